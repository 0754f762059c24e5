import { containerClient } from '../storage/blobs';
import { WORK_CONTAINER } from '../settings';
import { workBlob } from './paths';

/** Metadata key on a map outcome blob: `mapped` or `failed`, so progress can be counted from a listing alone. */
export const MAP_OUTCOME_METADATA = 'outcome';

export interface MapProgress {
  mapped: number;
  failed: number;
}

/**
 * Counts the map outcome blobs a run has written so far. An orchestrator waiting in `Task.all` cannot update its
 * custom status until every task is done, so this listing is what shows files finishing during the map phase.
 * A blob without the outcome metadata was not written by a finished map activity, so it is not counted.
 */
export async function countMapOutcomes(batchId: string, runId: string): Promise<MapProgress> {
  const container = await containerClient(WORK_CONTAINER);
  const progress: MapProgress = { mapped: 0, failed: 0 };
  const prefix = workBlob.mapFolder(batchId, runId);
  for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
    const outcome = blob.metadata?.[MAP_OUTCOME_METADATA];
    if (outcome === 'failed') progress.failed += 1;
    else if (outcome === 'mapped') progress.mapped += 1;
  }
  return progress;
}
