import { DEFAULT_QUANTILES } from '../pipeline/manifest';
import { mergeAll } from '../pipeline/merge';
import { summarize } from '../pipeline/summarize';
import { BatchSummary, Manifest } from '../pipeline/types';
import { failedJsonl, summaryCsv, summaryJson } from '../pipeline/writers';
import { writeText } from '../storage/blobs';
import { RESULTS_CONTAINER } from '../settings';
import { LogEvent } from '../telemetry/names';
import { EventLogger, logEvent } from '../telemetry/log';
import { recordBatch } from '../telemetry/metrics';
import { BatchError, BatchOutput, BatchStatus, RunMode, WriteResultInput } from './contracts';
import { writeLatestRun } from './latest-run';
import { resultBlob, resultLocation } from './paths';
import { readMerged, ReducedPartial } from './reduce';
import { readRunManifest } from './run-files';

/** `summary.json`: the pipeline's summary plus the run's identity, failure threshold and error. */
export interface RunSummary extends BatchSummary {
  runId: string;
  mode: RunMode;
  /** Files of the whole batch; `input.blobs` counts only those mapped successfully. */
  totalBlobs: number;
  toleratedFailurePercentage: number;
  failedPercentage: number;
  error?: BatchError;
}

const EMPTY_MANIFEST: Pick<Manifest, 'groupBy' | 'metrics' | 'quantiles'> = {
  groupBy: [],
  metrics: [],
  quantiles: [...DEFAULT_QUANTILES],
};

/**
 * Writes `results/<batchId>/failed.jsonl`, `summary.csv` and then `summary.json`, so once the summary exists the
 * other two are complete. The status is `failed` above `toleratedFailurePercentage` failed files or when the run
 * failed before mapping, and what succeeded is written either way. Records the run for later redrives.
 */
export async function writeBatchResult(input: WriteResultInput, logger: EventLogger): Promise<BatchOutput> {
  const { batchId, runId } = input;
  const manifest = input.error ? EMPTY_MANIFEST : (await readRunManifest(batchId, runId)).manifest;
  const reduced: ReducedPartial = input.error
    ? { partial: mergeAll([]), failures: [] }
    : await readMerged(batchId, runId);

  const failed = reduced.failures.length;
  const failedPercentage = input.total === 0 ? 0 : (failed / input.total) * 100;
  const status: BatchStatus =
    input.error || failedPercentage > input.toleratedFailurePercentage ? 'failed' : 'completed';
  const summary = buildSummary(input, reduced, manifest, status, failedPercentage);

  await writeText(RESULTS_CONTAINER, resultBlob.failed(batchId), failedJsonl(reduced.failures), 'application/x-ndjson');
  await writeText(RESULTS_CONTAINER, resultBlob.csv(batchId), summaryCsv(summary.groups, manifest), 'text/csv');
  await writeText(RESULTS_CONTAINER, resultBlob.summary(batchId), summaryJson(summary), 'application/json');
  await writeLatestRun(batchId, {
    runId,
    instanceId: input.instanceId,
    status,
    total: input.total,
    failed,
    mapped: !input.error,
    manifestEtag: input.manifestEtag,
  });

  const ids = { batchId, instanceId: input.instanceId, runId };
  const durationMs = Date.parse(input.finishedAt) - Date.parse(input.startedAt);
  const result = `${RESULTS_CONTAINER}/${resultBlob.summary(batchId)}`;
  logEvent(logger, 'info', LogEvent.resultWritten, { ...ids, status, durationMs, total: input.total, failed, result });
  recordBatch({ ...ids, status, durationMs, total: input.total, failed, result });
  return {
    batchId,
    instanceId: input.instanceId,
    runId,
    mode: input.mode,
    status,
    ...(input.error ? { error: input.error } : {}),
    total: input.total,
    succeeded: reduced.partial.files,
    failed,
    rows: reduced.partial.rows,
    result: resultLocation(batchId),
  };
}

function buildSummary(
  input: WriteResultInput,
  reduced: ReducedPartial,
  manifest: Pick<Manifest, 'metrics' | 'quantiles'>,
  status: BatchStatus,
  failedPercentage: number,
): RunSummary {
  const { groups, input: inputSummary } = summarize(reduced.partial, manifest);
  return {
    batchId: input.batchId,
    instanceId: input.instanceId,
    runId: input.runId,
    mode: input.mode,
    status,
    ...(input.error ? { error: input.error } : {}),
    totalBlobs: input.total,
    input: inputSummary,
    failedBlobs: reduced.failures.length,
    toleratedFailurePercentage: input.toleratedFailurePercentage,
    failedPercentage,
    groups,
    timing: timing(input),
  };
}

function timing(input: WriteResultInput): Record<string, string | number> {
  const started = Date.parse(input.startedAt);
  const values: Record<string, string | number> = {
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    durationMs: Date.parse(input.finishedAt) - started,
  };
  if (input.mappedAt) {
    values.mappedAt = input.mappedAt;
    values.mapDurationMs = Date.parse(input.mappedAt) - started;
  }
  return values;
}
