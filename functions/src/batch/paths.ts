import { RESULTS_CONTAINER } from '../settings';
import { ResultLocation } from './contracts';

/** Blob names in the work container. A run's blobs are immutable once written, so they can be cached. */
export const workBlob = {
  /** Pointer to the last run that wrote a result; a redrive starts from it. */
  latestRun: (batchId: string) => `${batchId}/latest-run.json`,
  runFolder: (batchId: string, runId: string) => `${batchId}/runs/${runId}/`,
  manifest: (batchId: string, runId: string) => `${batchId}/runs/${runId}/manifest.json`,
  chunkFiles: (batchId: string, runId: string, chunk: number) => `${batchId}/runs/${runId}/chunks/${chunk}/files.json`,
  chunkPartial: (batchId: string, runId: string, chunk: number) =>
    `${batchId}/runs/${runId}/chunks/${chunk}/partial.json`,
  mapFolder: (batchId: string, runId: string) => `${batchId}/runs/${runId}/map/`,
  mapOutcome: (batchId: string, runId: string, fileIndex: number) => `${batchId}/runs/${runId}/map/${fileIndex}.json`,
  merged: (batchId: string, runId: string) => `${batchId}/runs/${runId}/merged.json`,
};

export const resultBlob = {
  summary: (batchId: string) => `${batchId}/summary.json`,
  csv: (batchId: string) => `${batchId}/summary.csv`,
  failed: (batchId: string) => `${batchId}/failed.jsonl`,
};

export function resultLocation(batchId: string): ResultLocation {
  return {
    container: RESULTS_CONTAINER,
    summary: resultBlob.summary(batchId),
    csv: resultBlob.csv(batchId),
    failed: resultBlob.failed(batchId),
  };
}

/** Instance id of a batch's orchestration; every run of the batch reuses it. */
export function batchInstanceId(batchId: string): string {
  return `batch-${batchId}`;
}

/**
 * Instance id of a chunk sub-orchestration. The colon cannot occur in a batch id, so ids never collide. Every run
 * reuses the ids; the Azure Storage provider replaces a completed sub-orchestration of the same id.
 * NOTE: the MSSQL provider discards such a start instead, so moving to it needs run-specific chunk ids.
 */
export function chunkInstanceId(parentInstanceId: string, chunkIndex: number): string {
  return `${parentInstanceId}:chunk-${chunkIndex}`;
}

/** Log fields that identify a run: the batch, its orchestration instance and the run id. */
export function runFields(batchId: string, runId: string): { batchId: string; instanceId: string; runId: string } {
  return { batchId, instanceId: batchInstanceId(batchId), runId };
}
