import * as df from 'durable-functions';
import { OrchestrationContext, Task } from 'durable-functions';
import { ChunkInput, MapInput, MapOutput, ProgressStatus, ReduceOutput } from '../batch/contracts';
import { FunctionName } from '../batch/function-names';
import { activityRetryOptions } from '../batch/retry';
import { LogEvent } from '../telemetry/names';
import { logEvent } from '../telemetry/log';

/**
 * Maps every file of one chunk (one activity per group of consecutive files, fanned in with `Task.all`), then
 * reduces the groups' partials into one partial blob. The batch orchestrator runs it inline for a single chunk and as a
 * sub-orchestration per chunk otherwise.
 */
export function* processChunk(
  context: OrchestrationContext,
  input: ChunkInput,
): Generator<Task, ReduceOutput, unknown> {
  const retry = activityRetryOptions();
  const { batchId, runId, chunk } = input;
  checkChunkShape(input);

  const tasks: Task[] = [];
  for (let group = 0; group < chunk.groups; group += 1) {
    const mapInput: MapInput = { batchId, runId, chunkIndex: chunk.index, group };
    tasks.push(context.df.callActivityWithRetry(FunctionName.mapActivity, retry, mapInput));
  }
  const outcomes = (tasks.length > 0 ? yield context.df.Task.all(tasks) : []) as MapOutput[];

  const done = outcomes.reduce((sum, outcome) => sum + outcome.files, 0);
  const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
  setChunkProgress(context, { phase: 'reducing', total: chunk.count, done, failed });

  const reduced = (yield context.df.callActivityWithRetry(
    FunctionName.reduceChunkActivity,
    retry,
    input,
  )) as ReduceOutput;
  return reduced;
}

/**
 * Raises when the chunk has no valid map group count. A run listed by an app version from before map groups has
 * none, and mapping zero groups would write an empty result, so the orchestration fails with the fix instead.
 */
function checkChunkShape({ batchId, runId, chunk }: ChunkInput): void {
  const groups: unknown = chunk.groups;
  const lowest = chunk.count > 0 ? 1 : 0;
  if (typeof groups === 'number' && Number.isInteger(groups) && groups >= lowest && groups <= chunk.count) return;
  throw new Error(
    `Chunk ${chunk.index} of run ${runId} of batch ${batchId} has no valid map group count (groups: ` +
      `${JSON.stringify(groups) ?? 'missing'}): the run was listed by an earlier version of the app. ` +
      `Start the batch again with POST /api/batches/${batchId}`,
  );
}

function setChunkProgress(context: OrchestrationContext, progress: ProgressStatus): void {
  if (context.df.parentInstanceId !== undefined) context.df.setCustomStatus(progress);
}

function* chunkOrchestrator(context: OrchestrationContext): Generator<Task, ReduceOutput, unknown> {
  const input = context.df.getInput<ChunkInput>();
  setChunkProgress(context, { phase: 'mapping', total: input.chunk.count, done: 0, failed: 0 });

  const reduced = yield* processChunk(context, input);

  setChunkProgress(context, { phase: 'done', total: reduced.files, done: reduced.files, failed: reduced.failed });
  if (!context.df.isReplaying) {
    logEvent(context, 'info', LogEvent.chunkCompleted, {
      batchId: input.batchId,
      instanceId: context.df.instanceId,
      chunk: input.chunk.index,
      files: reduced.files,
      failed: reduced.failed,
    });
  }
  return reduced;
}

df.app.orchestration(FunctionName.chunkOrchestrator, chunkOrchestrator);
