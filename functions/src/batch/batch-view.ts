import { DurableClient, DurableOrchestrationStatus, OrchestrationRuntimeStatus } from 'durable-functions';
import { BatchInput, BatchOutput, ChunkInput, ProgressStatus } from './contracts';
import { countMapOutcomes, MapProgress } from './map-progress';
import { resultLocation } from './paths';
import { existingChunkStatuses, isActive } from './run-control';

/** Response body of `GET /api/batches/{batchId}`. */
export interface BatchView {
  batchId: string;
  instanceId: string;
  runtimeStatus: string;
  runId?: string;
  mode?: string;
  /** ETag of the `_manifest.json` that started this run, without quotes. */
  manifestEtag?: string;
  createdTime: string;
  lastUpdatedTime: string;
  progress: ProgressStatus | null;
  /** `completed` or `failed` once the run finished; the batch status, not the orchestration's. */
  status?: string;
  error?: unknown;
  result?: BatchOutput['result'];
}

/**
 * Builds the view of a batch run. While chunk sub-orchestrations of the current run are mapping, their counters
 * are summed into `progress`, because the parent learns about a chunk only when it completes. A run terminated or
 * failed while mapping keeps the counts of its map outcome blobs, because its custom status still has the counts
 * from when mapping started.
 */
export async function buildBatchView(
  client: DurableClient,
  batchId: string,
  status: DurableOrchestrationStatus,
): Promise<BatchView> {
  const input = (status.input ?? {}) as Partial<BatchInput>;
  let progress = (status.customStatus ?? null) as ProgressStatus | null;
  if (progress && isActive(status) && progress.phase === 'mapping' && (progress.chunks ?? 0) > 1) {
    progress = await addChunkProgress(client, status.instanceId, input.runId, progress);
  }
  const stopped =
    status.runtimeStatus === OrchestrationRuntimeStatus.Terminated ||
    status.runtimeStatus === OrchestrationRuntimeStatus.Failed;
  if (progress && (isActive(status) || stopped) && progress.phase === 'mapping' && input.runId) {
    const before = status.customStatus as ProgressStatus;
    progress = withMapOutcomes(progress, before.done, await countMapOutcomes(batchId, input.runId));
  }

  const view: BatchView = {
    batchId,
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    runId: input.runId,
    mode: input.mode,
    manifestEtag: input.manifestEtag,
    createdTime: new Date(status.createdTime).toISOString(),
    lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
    progress,
  };
  const output = status.output as Partial<BatchOutput> | string | null;
  if (status.runtimeStatus === 'Completed' && output && typeof output === 'object') {
    view.status = output.status;
    view.error = output.error;
    view.result = output.result ?? resultLocation(batchId);
  } else if (status.runtimeStatus === 'Failed' || status.runtimeStatus === 'Terminated') {
    view.status = 'failed';
    view.error = output;
  }
  return view;
}

/**
 * Raises the counters to what the run's map outcome blobs show. `done` counts finished files, failed or not, as the
 * orchestrator's own counts do. `baseDone` is the orchestrator's count when mapping started: the files a redrive
 * keeps from its base run.
 */
function withMapOutcomes(progress: ProgressStatus, baseDone: number, outcomes: MapProgress): ProgressStatus {
  return {
    ...progress,
    done: Math.max(progress.done, baseDone + outcomes.mapped + outcomes.failed),
    failed: Math.max(progress.failed, outcomes.failed),
  };
}

async function addChunkProgress(
  client: DurableClient,
  instanceId: string,
  runId: string | undefined,
  progress: ProgressStatus,
): Promise<ProgressStatus> {
  let done = progress.done;
  let failed = progress.failed;
  for (const chunk of await existingChunkStatuses(client, instanceId)) {
    const chunkInput = chunk.input as Partial<ChunkInput> | null;
    const chunkProgress = chunk.customStatus as ProgressStatus | null;
    if (chunkInput?.runId !== runId || !chunkProgress) continue;
    done += chunkProgress.done;
    failed += chunkProgress.failed;
  }
  return { ...progress, done, failed };
}
