import * as df from 'durable-functions';
import { OrchestrationContext, Task } from 'durable-functions';
import {
  BatchError,
  BatchInput,
  BatchOutput,
  ChunkInput,
  ListOutput,
  ProgressStatus,
  ReduceBatchInput,
  ReduceOutput,
  WriteResultInput,
} from '../batch/contracts';
import { parseBatchInput } from '../batch/batch-input';
import { FunctionName } from '../batch/function-names';
import { chunkInstanceId } from '../batch/paths';
import { activityRetryOptions } from '../batch/retry';
import { LogEvent } from '../telemetry/names';
import { logEvent, LogFields } from '../telemetry/log';
import { processChunk } from './chunk-orchestrator';

/**
 * One run over one batch: list the files, map them per chunk (inline for one chunk, one sub-orchestration per
 * chunk otherwise), reduce the chunk partials, write `results/<batchId>/`. A batch that fails before mapping
 * (invalid manifest, too many files) still gets a result with status `failed`.
 */
function* batchOrchestrator(context: OrchestrationContext): Generator<Task, BatchOutput, unknown> {
  const input = parseBatchInput(context.df.getInput());
  const retry = activityRetryOptions();
  const startedAt = context.df.currentUtcDateTime.toISOString();
  log(context, LogEvent.orchestrationStarted, { batchId: input.batchId, runId: input.runId, mode: input.mode });
  setProgress(context, { phase: 'listing', total: 0, done: 0, failed: 0 });

  const listInput = { batchId: input.batchId, runId: input.runId, mode: input.mode, baseRunId: input.baseRunId };
  const listing = (yield context.df.callActivityWithRetry(FunctionName.listActivity, retry, listInput)) as ListOutput;
  if (!listing.ok) {
    return yield* writeResult(context, input, { total: 0, tolerated: 0, error: listing.error, startedAt });
  }
  const { total, files, chunks } = listing;
  log(context, LogEvent.orchestrationListed, { batchId: input.batchId, total, files, chunks: chunks.length });
  setProgress(context, { phase: 'mapping', total, done: total - files, failed: 0, chunks: chunks.length });

  const chunkInputs: ChunkInput[] = chunks.map((chunk) => ({ batchId: input.batchId, runId: input.runId, chunk }));
  let reducedChunks: ReduceOutput[] = [];
  if (chunkInputs.length === 1) {
    reducedChunks = [yield* processChunk(context, chunkInputs[0])];
  } else if (chunkInputs.length > 1) {
    const subOrchestrations = chunkInputs.map((chunkInput) =>
      context.df.callSubOrchestrator(
        FunctionName.chunkOrchestrator,
        chunkInput,
        chunkInstanceId(context.df.instanceId, chunkInput.chunk.index),
      ),
    );
    reducedChunks = (yield context.df.Task.all(subOrchestrations)) as ReduceOutput[];
  }
  const mappedAt = context.df.currentUtcDateTime.toISOString();
  const failed = reducedChunks.reduce((sum, chunk) => sum + chunk.failed, 0);
  setProgress(context, { phase: 'reducing', total, done: total, failed, chunks: chunks.length });

  const reduceInput: ReduceBatchInput = {
    batchId: input.batchId,
    runId: input.runId,
    chunkCount: chunks.length,
    baseRunId: input.baseRunId,
  };
  yield context.df.callActivityWithRetry(FunctionName.reduceBatchActivity, retry, reduceInput);

  const tolerated = listing.toleratedFailurePercentage;
  return yield* writeResult(context, input, { total, tolerated, startedAt, mappedAt });
}

interface RunFacts {
  total: number;
  tolerated: number;
  startedAt: string;
  mappedAt?: string;
  error?: BatchError;
}

function* writeResult(
  context: OrchestrationContext,
  input: BatchInput,
  facts: RunFacts,
): Generator<Task, BatchOutput, unknown> {
  const progress = context.df.customStatus as ProgressStatus | undefined;
  setProgress(context, { ...(progress ?? { total: 0, done: 0, failed: 0 }), phase: 'writing' });

  const writeInput: WriteResultInput = {
    batchId: input.batchId,
    instanceId: context.df.instanceId,
    runId: input.runId,
    mode: input.mode,
    manifestEtag: input.manifestEtag,
    total: facts.total,
    toleratedFailurePercentage: facts.tolerated,
    error: facts.error,
    startedAt: facts.startedAt,
    mappedAt: facts.mappedAt,
    finishedAt: context.df.currentUtcDateTime.toISOString(),
  };
  const retry = activityRetryOptions();
  const output = (yield context.df.callActivityWithRetry(
    FunctionName.writeResultActivity,
    retry,
    writeInput,
  )) as BatchOutput;

  setProgress(context, {
    phase: 'done',
    total: output.total,
    done: output.total,
    failed: output.failed,
    chunks: progress?.chunks,
    rows: output.rows,
  });
  log(context, LogEvent.orchestrationCompleted, {
    batchId: input.batchId,
    runId: input.runId,
    status: output.status,
    total: output.total,
    failed: output.failed,
    error: output.error?.message,
  });
  return output;
}

function setProgress(context: OrchestrationContext, progress: ProgressStatus): void {
  context.df.setCustomStatus(progress);
}

function log(context: OrchestrationContext, event: (typeof LogEvent)[keyof typeof LogEvent], fields: LogFields): void {
  if (!context.df.isReplaying) logEvent(context, 'info', event, { instanceId: context.df.instanceId, ...fields });
}

df.app.orchestration(FunctionName.batchOrchestrator, batchOrchestrator);
