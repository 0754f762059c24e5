import { containerClient } from '../storage/blobs';
import { WORK_CONTAINER } from '../settings';
import { workBlob } from './paths';

/** Metadata keys on a map outcome blob: how many of its group's files were mapped and failed, so progress can be
 * counted from a listing alone. */
export const MAP_OUTCOME_METADATA = { mapped: 'mapped', failed: 'failed' } as const;

export interface MapProgress {
  mapped: number;
  failed: number;
}

/**
 * Counts the files of the map outcome blobs a run has written so far. An orchestrator waiting in `Task.all` cannot
 * update its custom status until every task is done, so this listing is what shows files finishing during the map
 * phase. A blob without the counts in its metadata was not written by a finished map activity, so it is not counted.
 */
export async function countMapOutcomes(batchId: string, runId: string): Promise<MapProgress> {
  const container = await containerClient(WORK_CONTAINER);
  const progress: MapProgress = { mapped: 0, failed: 0 };
  const prefix = workBlob.mapFolder(batchId, runId);
  for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
    progress.mapped += count(blob.metadata?.[MAP_OUTCOME_METADATA.mapped]);
    progress.failed += count(blob.metadata?.[MAP_OUTCOME_METADATA.failed]);
  }
  return progress;
}

function count(text: string | undefined): number {
  const value = Number(text);
  return text !== undefined && Number.isSafeInteger(value) && value > 0 ? value : 0;
}
