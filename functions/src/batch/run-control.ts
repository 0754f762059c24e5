import { randomUUID } from 'node:crypto';
import { DurableClient, DurableOrchestrationStatus, OrchestrationRuntimeStatus } from 'durable-functions';
import { BatchInput, ChunkInput, ProgressStatus, RunMode } from './contracts';
import { FunctionName } from './function-names';
import { batchInstanceId, chunkInstanceId } from './paths';

/** Statuses in which the engine rejects a new start with the same instance id. */
const ACTIVE_STATUSES: readonly string[] = [
  OrchestrationRuntimeStatus.Running,
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.ContinuedAsNew,
  OrchestrationRuntimeStatus.Suspended,
];

export function isActive(status: DurableOrchestrationStatus): boolean {
  return ACTIVE_STATUSES.includes(status.runtimeStatus);
}

/** Returns the instance's status, or undefined when the task hub has no instance with that id. */
export async function findStatus(
  client: DurableClient,
  instanceId: string,
): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId);
  } catch (error) {
    // NOTE: durable-functions 3.x reports an unknown instance only through the message of a plain Error.
    if (error instanceof Error && error.message.includes('HTTP 404')) return undefined;
    throw error;
  }
}

export interface StartRequest {
  batchId: string;
  mode: RunMode;
  manifestEtag?: string;
  baseRunId?: string;
  /** Skip the start when the last run was started for this same manifest ETag (repeated event deliveries). */
  skipSameEtag: boolean;
}

export type StartOutcome =
  | { started: true; instanceId: string; runId: string }
  | { started: false; instanceId: string; reason: 'running' | 'duplicate'; runtimeStatus: string; raced: boolean };

/** Creates a run id that sorts by start time: the UTC timestamp plus a random suffix. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '').toLowerCase();
  return `${stamp}-${randomUUID().slice(0, 8)}`;
}

/**
 * Starts a run of the batch orchestration under the batch's instance id, unless, with `skipSameEtag`, the last or
 * active run was for the same manifest, or a run is active. Two concurrent starts cannot both succeed: the engine
 * rejects a start while the instance is Pending or Running, and that rejection is reported as `running`.
 */
export async function startBatchRun(client: DurableClient, request: StartRequest): Promise<StartOutcome> {
  const instanceId = batchInstanceId(request.batchId);
  const existing = await findStatus(client, instanceId);
  // A repeated delivery is a duplicate whether or not its run is still active, so only a new ETag is `running`.
  const previousEtag = (existing?.input as Partial<BatchInput> | null | undefined)?.manifestEtag;
  if (existing && request.skipSameEtag && request.manifestEtag !== undefined && previousEtag === request.manifestEtag) {
    return { started: false, instanceId, reason: 'duplicate', runtimeStatus: existing.runtimeStatus, raced: false };
  }
  if (existing && isActive(existing)) {
    return { started: false, instanceId, reason: 'running', runtimeStatus: existing.runtimeStatus, raced: false };
  }

  const runId = newRunId();
  const input: BatchInput = {
    batchId: request.batchId,
    runId,
    mode: request.mode,
    manifestEtag: request.manifestEtag,
    baseRunId: request.baseRunId,
  };
  try {
    await client.startNew(FunctionName.batchOrchestrator, { instanceId, input });
    return { started: true, instanceId, runId };
  } catch (error) {
    const now = await findStatus(client, instanceId);
    if (now && isActive(now)) {
      return { started: false, instanceId, reason: 'running', runtimeStatus: now.runtimeStatus, raced: true };
    }
    throw error;
  }
}

/** Returns the statuses of a batch instance's chunk sub-orchestrations, probing from chunk 0 to the first missing one. */
export async function existingChunkStatuses(
  client: DurableClient,
  instanceId: string,
): Promise<DurableOrchestrationStatus[]> {
  const statuses: DurableOrchestrationStatus[] = [];
  for (let index = 0; ; index += 1) {
    const status = await findStatus(client, chunkInstanceId(instanceId, index));
    if (!status) return statuses;
    statuses.push(status);
  }
}

/** Milliseconds terminate waits for a scheduled chunk sub-orchestration to be created. */
const CHUNK_CREATION_TIMEOUT_MS = 10000;
const CHUNK_POLL_INTERVAL_MS = 100;

/**
 * Terminates the batch instance and its active chunk sub-orchestrations; returns the terminated ids. The engine
 * creates a sub-orchestration some time after the parent scheduled it, and terminating the parent does not stop
 * that, so each chunk the parent's `customStatus.chunks` announces is awaited until it exists for the current run.
 * A single chunk is not awaited, because it runs inline.
 */
export async function terminateBatch(client: DurableClient, instanceId: string, reason: string): Promise<string[]> {
  const terminated: string[] = [];
  const parent = await findStatus(client, instanceId);
  if (!parent) return terminated;
  if (isActive(parent)) {
    await client.terminate(instanceId, reason);
    terminated.push(instanceId);
  }

  const runId = (parent.input as Partial<BatchInput> | null)?.runId;
  // A run with one chunk maps it inline in the batch orchestration, so only several chunks are sub-orchestrations.
  const chunkCount = (parent.customStatus as ProgressStatus | null)?.chunks ?? 0;
  const announced = chunkCount > 1 ? chunkCount : 0;
  const terminateIfActive = async (chunk: DurableOrchestrationStatus | undefined) => {
    if (!chunk || !isActive(chunk)) return;
    await client.terminate(chunk.instanceId, reason);
    terminated.push(chunk.instanceId);
  };
  const ids = Array.from({ length: announced }, (_, index) => chunkInstanceId(instanceId, index));
  await Promise.all(ids.map(async (id) => terminateIfActive(await waitForChunk(client, id, runId))));

  for (const chunk of await existingChunkStatuses(client, instanceId)) {
    if (!ids.includes(chunk.instanceId)) await terminateIfActive(chunk);
  }
  terminated.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return terminated;
}

/** Polls until the chunk instance of `runId` exists; undefined when it does not appear in time. */
async function waitForChunk(
  client: DurableClient,
  chunkId: string,
  runId: string | undefined,
): Promise<DurableOrchestrationStatus | undefined> {
  const deadline = Date.now() + CHUNK_CREATION_TIMEOUT_MS;
  for (;;) {
    const status = await findStatus(client, chunkId);
    if (status && (status.input as Partial<ChunkInput> | null)?.runId === runId) return status;
    if (Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, CHUNK_POLL_INTERVAL_MS));
  }
}

/** Purges the history of the batch instance and of every chunk sub-orchestration it created; returns the count. */
export async function purgeBatch(client: DurableClient, instanceId: string): Promise<number> {
  const chunks = await existingChunkStatuses(client, instanceId);
  let deleted = (await client.purgeInstanceHistory(instanceId)).instancesDeleted;
  for (const chunk of chunks) deleted += (await client.purgeInstanceHistory(chunk.instanceId)).instancesDeleted;
  return deleted;
}
