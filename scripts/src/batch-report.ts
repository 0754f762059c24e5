import { BatchView } from './api';
import { describeError } from './errors';
import { cliCommand } from './stack-options';
import { Storage } from './storage';
import { BatchSummary, describeFailures, downloadSummary, parseSummary } from './summary';

/** Rejected-row samples printed before pointing to `rejectedSamples` in summary.json. */
const REJECTED_SAMPLES_SHOWN = 3;

/**
 * Describes the result of a run that completed: the input counts, a warning for rejected rows, the failed files and
 * the next step. It reads `results/<batchId>/summary.json`, and reports a summary that cannot be read, or that
 * another run wrote, in place of the counts.
 */
export async function describeCompletedRun(storage: Storage, batchId: string, view: BatchView): Promise<string[]> {
  let summary: BatchSummary;
  try {
    summary = parseSummary(await downloadSummary(storage, batchId), batchId);
  } catch (error) {
    const lines = [`the rows and rejected rows are unknown: ${describeError(error)}`];
    const failed = view.progress?.failed ?? 0;
    if (failed > 0) lines.push(`${failed} file${failed === 1 ? '' : 's'} failed: see results/${batchId}/failed.jsonl`);
    return [...lines, ...describeBatchError(batchId, view.error)];
  }
  const summaryRun = typeof summary.runId === 'string' ? summary.runId : undefined;
  if (view.runId !== undefined && summaryRun !== undefined && summaryRun !== view.runId) {
    return [`results/${batchId}/summary.json is from run ${summaryRun}, not from run ${view.runId}`];
  }
  return describeSummary(storage, batchId, summary);
}

/** Describes a batch's `summary.json`: the input counts and rejected rows, or the run's error, then the failed files. */
export async function describeSummary(storage: Storage, batchId: string, summary: BatchSummary): Promise<string[]> {
  const lines: string[] = [];
  if (summary.error !== undefined && summary.error !== null) {
    lines.push(...describeBatchError(batchId, summary.error));
  } else if (summary.input && typeof summary.input.rows === 'number') {
    lines.push(...describeInput(batchId, summary));
  }
  const failed = summary.failedBlobs;
  if (typeof failed === 'number' && failed > 0) {
    const total = typeof summary.totalBlobs === 'number' ? summary.totalBlobs : undefined;
    lines.push(...(await describeFailures(storage, batchId, failed, total)));
  }
  return lines;
}

/** Describes the files, rows and rejected rows a run read, with a warning and the first reasons when rows were rejected. */
function describeInput(batchId: string, summary: BatchSummary): string[] {
  const { blobs, rows } = summary.input;
  const rejected = summary.input.rejectedRows ?? 0;
  const lines = [
    `input: ${blobs} file${blobs === 1 ? '' : 's'}, ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}, ` +
      `${rejected.toLocaleString('en-US')} rejected`,
  ];
  if (rejected === 0) return lines;

  const share =
    rejected === rows
      ? `all ${rejected.toLocaleString('en-US')} rows were rejected`
      : `${rejected.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows were rejected`;
  const samples = summary.input.rejectedSamples ?? [];
  lines.push(`warning: ${share} and left out of the result${samples.length > 0 ? '; the first reasons:' : ''}`);
  for (const sample of samples.slice(0, REJECTED_SAMPLES_SHOWN)) {
    lines.push(`  ${String(sample.file)} line ${String(sample.line)}: ${String(sample.reason)}`);
  }
  lines.push(
    `check the manifest's groupBy, metrics and format against the files; rejectedSamples in ` +
      `results/${batchId}/summary.json lists up to 10 rows`,
  );
  return lines;
}

/**
 * Returns the next step for a run that failed before mapping, by the kind of its error. These errors come from the
 * manifest or the listed files, so a redrive, which reuses the manifest, cannot fix them.
 */
export function describeBatchError(batchId: string, error: unknown): string[] {
  const kind = typeof error === 'object' && error !== null ? (error as { kind?: unknown }).kind : undefined;
  const upload = cliCommand(['upload', 'DIR', '--batch', batchId]);
  switch (kind) {
    case 'invalid-manifest':
    case 'too-many-items':
      return [`fix the manifest, then upload the batch again with: ${upload}`];
    case 'missing-files':
      return [
        `upload the missing files with: ${cliCommand(['upload', 'DIR', '--batch', batchId, '--data-only'])}, then run ` +
          `the batch again with: ${cliCommand(['start', batchId])}; or remove them from "files" in the manifest and upload the batch again`,
      ];
    case 'manifest-not-found':
      return [`upload the batch with: ${upload}`];
    default:
      return [];
  }
}
