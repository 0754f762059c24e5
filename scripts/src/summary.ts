import { RestError } from '@azure/storage-blob';
import { CliError, describeError } from './errors';
import { cliCommand, quotedCliCommand } from './stack-options';
import { resultsContainer, Storage, withStorage } from './storage';

export interface MetricSummary {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** One field per requested quantile, such as p50, p95 and p99. */
  [quantile: string]: number | null;
}

export interface GroupSummary {
  key: Record<string, string>;
  count: number;
  metrics: Record<string, MetricSummary>;
}

/** The fields of `results/<batchId>/summary.json` that the scripts read. */
export interface BatchSummary {
  batchId: string;
  instanceId: string;
  /** The run that wrote the summary. */
  runId?: string;
  status: string;
  input: {
    blobs: number;
    bytes: number;
    rows: number;
    rejectedRows: number;
    /** Up to 10 rejected rows, each with its file, 1-based line and reason. */
    rejectedSamples?: { file: string; line: number; reason: string }[];
  };
  failedBlobs: unknown;
  groups: GroupSummary[];
  timing?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A `summary.json` that storage reports as not found (HTTP 404), as opposed to storage that failed. */
export class SummaryNotFoundError extends CliError {
  override name = 'SummaryNotFoundError';
}

/** Downloads `results/<batchId>/summary.json` as text, exactly as the Function App wrote it. */
export async function downloadSummary(storage: Storage, batchId: string): Promise<string> {
  return withStorage(storage, async () => {
    try {
      const blob = resultsContainer(storage).getBlobClient(`${batchId}/summary.json`);
      return (await blob.downloadToBuffer()).toString('utf8');
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) {
        throw new SummaryNotFoundError(
          `no result for batch '${batchId}': results/${batchId}/summary.json does not exist yet; ` +
            `run ${quotedCliCommand(['wait', batchId])} and check its status`,
        );
      }
      throw error;
    }
  });
}

export function parseSummary(text: string, batchId: string): BatchSummary {
  try {
    return JSON.parse(text) as BatchSummary;
  } catch (error) {
    throw new CliError(`results/${batchId}/summary.json is not valid JSON: ${(error as Error).message}`);
  }
}

/** Failure lines printed before pointing to the full list. */
const FAILURE_LINES_SHOWN = 5;

/** One line of `failed.jsonl`. */
interface FailedFile {
  blob: string;
  kind: string;
  message: string;
}

/**
 * Describes the failed files of a batch's latest result: up to 5 lines of `results/<batchId>/failed.jsonl`
 * (blob, kind, message), the path of the full list and the next step. A list that cannot be read is reported in
 * place of the lines, because the caller has already printed the batch's outcome. `totalFiles`, the number of files
 * in the batch, distinguishes a column missing from every file, which the manifest caused, from a column missing in
 * a few files.
 */
export async function describeFailures(
  storage: Storage,
  batchId: string,
  failedCount: number,
  totalFiles?: number,
): Promise<string[]> {
  const listPath = `results/${batchId}/failed.jsonl`;
  const lines = [`${failedCount} file${failedCount === 1 ? '' : 's'} failed:`];
  let failures: (FailedFile | undefined)[] | undefined;
  try {
    const text = await withStorage(storage, async () => {
      const blob = resultsContainer(storage).getBlobClient(`${batchId}/failed.jsonl`);
      return (await blob.downloadToBuffer()).toString('utf8');
    });
    const entries = text.split('\n').filter((line) => line.trim().length > 0);
    for (const entry of entries.slice(0, FAILURE_LINES_SHOWN)) lines.push(`  ${formatFailure(entry)}`);
    const more = entries.length > FAILURE_LINES_SHOWN ? `, ${entries.length - FAILURE_LINES_SHOWN} more` : '';
    lines.push(`full list: ${listPath}${more}`);
    failures = entries.map(parseFailure);
  } catch (error) {
    lines.push(`  the list in ${listPath} could not be read: ${describeError(error)}`);
  }

  const manifestCaused = (failures ?? []).filter((failure) => isCausedByManifest(failure, failures ?? [], totalFiles));
  if (manifestCaused.length > 0) {
    const kinds = [...new Set(manifestCaused.map((failure) => failure?.kind))].join(', ');
    lines.push(
      `${manifestCaused.length} of the failures (${kinds}) come from the manifest, which a redrive reuses: ` +
        `fix the manifest, then upload the batch again with: ${uploadCommandFor(batchId)}`,
    );
    return lines;
  }
  lines.push(
    `after fixing the failed files, upload them without the manifest with: ${uploadCommandFor(batchId, '--data-only')}`,
  );
  lines.push(`reprocess only the failed files with: ${cliCommand(['redrive', batchId])}`);
  return lines;
}

function uploadCommandFor(batchId: string, ...options: string[]): string {
  return cliCommand(['upload', 'DIR', '--batch', batchId, ...options]);
}

/**
 * Returns true for a failure that a redrive cannot fix because it reuses the run's manifest: a file whose format
 * the manifest does not set (`unreadable`), or a `missing-column` failure whose column is missing from every file.
 */
function isCausedByManifest(
  failure: FailedFile | undefined,
  failures: (FailedFile | undefined)[],
  totalFiles: number | undefined,
): boolean {
  if (failure?.kind === 'unreadable') return true;
  if (failure?.kind !== 'missing-column' || totalFiles === undefined) return false;
  const column = missingColumn(failure);
  const sameColumn = failures.filter((other) => other?.kind === 'missing-column' && missingColumn(other) === column);
  return column !== undefined && sameColumn.length >= totalFiles;
}

/** Returns the quoted column name of a `missing-column` message, such as `"amount"`. */
function missingColumn(failure: FailedFile): string | undefined {
  return /column ("(?:[^"\\]|\\.)*") is missing/.exec(failure.message)?.[1];
}

function parseFailure(line: string): FailedFile | undefined {
  try {
    const record = JSON.parse(line) as { blob?: unknown; kind?: unknown; message?: unknown };
    return { blob: String(record.blob), kind: String(record.kind), message: String(record.message ?? '') };
  } catch {
    return undefined;
  }
}

/** Formats one line of failed.jsonl as `blob: kind: message`, or returns it unchanged when it is not such a record. */
function formatFailure(line: string): string {
  const failure = parseFailure(line);
  if (!failure) return line;
  return `${failure.blob}: ${failure.kind}: ${failure.message.split('\n')[0]}`;
}
