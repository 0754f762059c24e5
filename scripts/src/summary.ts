import { RestError } from '@azure/storage-blob';
import { CliError, describeError } from './errors';
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
  status: string;
  input: { blobs: number; bytes: number; rows: number; rejectedRows: number };
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
            `run 'wait ${batchId}' and check its status`,
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

/**
 * Describes the failed files of a batch's latest result: up to 5 lines of `results/<batchId>/failed.jsonl`
 * (blob, kind, message), the path of the full list and the redrive command. A list that cannot be read is
 * reported in place of the lines, because the caller has already printed the batch's outcome.
 */
export async function describeFailures(storage: Storage, batchId: string, failedCount: number): Promise<string[]> {
  const listPath = `results/${batchId}/failed.jsonl`;
  const lines = [`${failedCount} file${failedCount === 1 ? '' : 's'} failed:`];
  try {
    const text = await withStorage(storage, async () => {
      const blob = resultsContainer(storage).getBlobClient(`${batchId}/failed.jsonl`);
      return (await blob.downloadToBuffer()).toString('utf8');
    });
    const entries = text.split('\n').filter((line) => line.trim().length > 0);
    for (const entry of entries.slice(0, FAILURE_LINES_SHOWN)) lines.push(`  ${formatFailure(entry)}`);
    const more = entries.length > FAILURE_LINES_SHOWN ? `, ${entries.length - FAILURE_LINES_SHOWN} more` : '';
    lines.push(`full list: ${listPath}${more}`);
  } catch (error) {
    lines.push(`  the list in ${listPath} could not be read: ${describeError(error)}`);
  }
  lines.push(`reprocess only the failed files with: npm run cli -- redrive ${batchId}`);
  return lines;
}

/** Formats one line of failed.jsonl as `blob: kind: message`, or returns it unchanged when it is not such a record. */
function formatFailure(line: string): string {
  let record: { blob?: unknown; kind?: unknown; message?: unknown };
  try {
    record = JSON.parse(line) as typeof record;
  } catch {
    return line;
  }
  const message = String(record.message ?? '').split('\n')[0];
  return `${String(record.blob)}: ${String(record.kind)}: ${message}`;
}
