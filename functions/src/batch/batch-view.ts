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
  /** The result's `{ kind, message }`, or for a Failed or Terminated orchestration its output without stack frames. */
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
    view.error = withoutStackTrace(output);
  }
  return view;
}

/** A stack frame line of a V8 stack trace, such as `    at readJson (/home/site/wwwroot/dist/blobs.js:12:5)`. */
const STACK_FRAME = /^\s+at /;

/** Fields that carry a stack trace: `stack` of a JavaScript error, `StackTrace` of the Durable failure details. */
const STACK_FIELDS = new Set(['stack', 'StackTrace']);

/**
 * Removes stack traces from the output of a Failed orchestration, because they contain file paths of the
 * deployment. The output of an activity that failed on every attempt is a string: the message, then a line with the
 * failure details as JSON `{ Message, StackTrace }` (durable-functions 3.x on the local host). A string is cut
 * before its first stack frame line, a JSON line keeps all but its stack fields, and an object loses its stack
 * fields. Message lines are kept.
 */
export function withoutStackTrace(output: unknown): unknown {
  if (typeof output === 'string') return messageWithoutStackTrace(output);
  if (Array.isArray(output)) return output.map(withoutStackTrace);
  if (output && typeof output === 'object') {
    const entries = Object.entries(output).filter(([key]) => !STACK_FIELDS.has(key));
    return Object.fromEntries(entries.map(([key, value]) => [key, withoutStackTrace(value)]));
  }
  return output;
}

function messageWithoutStackTrace(text: string): string {
  const lines = text.split('\n');
  const firstFrame = lines.findIndex((line, index) => index > 0 && STACK_FRAME.test(line));
  const kept = firstFrame === -1 ? lines : lines.slice(0, firstFrame);
  return kept.map(jsonLineWithoutStackTrace).join('\n').trimEnd();
}

function jsonLineWithoutStackTrace(line: string): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  let details: unknown;
  try {
    details = JSON.parse(trimmed);
  } catch {
    // NOTE: details that are not valid JSON keep any stack frames written inside them on this same line.
    return line;
  }
  return `${line.slice(0, line.indexOf('{'))}${JSON.stringify(withoutStackTrace(details))}`;
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
