import { isObject } from './activity-fields';
import { OrchestrationRecord } from './records';

export interface Progress {
  phase: string | null;
  total: number | null;
  /** Items finished, failed ones included. */
  done: number;
  /** Finished items that failed. */
  failed: number;
  /** Share of items finished, from 0 to 100; 100 once the instance completed. */
  percent: number | null;
}

export interface InstanceSummary {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  finished: boolean;
  progress: Progress;
}

export interface BatchSummary extends InstanceSummary {
  /** Batch id when the instance id has the form `batch-<batchId>`, else the instance id. */
  batchId: string;
  /** Sub-orchestrations at any depth, oldest first. */
  children: InstanceSummary[];
}

const FINISHED_STATUSES = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);
const BATCH_ID_PATTERN = /^[a-z0-9-]{1,63}$/;

/** Groups instances into batches: each top-level instance, newest first, with its sub-orchestrations. */
export function groupBatches(instances: readonly OrchestrationRecord[]): BatchSummary[] {
  const byId = new Map(instances.map((instance) => [instance.instanceId, instance]));
  const children = new Map<string, OrchestrationRecord[]>();
  for (const instance of instances) {
    const root = rootOf(instance, byId);
    if (root === instance.instanceId) continue;
    const siblings = children.get(root) ?? [];
    siblings.push(instance);
    children.set(root, siblings);
  }

  return instances
    .filter((instance) => instance.parentInstanceId === null || !byId.has(instance.parentInstanceId))
    .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || a.instanceId.localeCompare(b.instanceId))
    .map((instance) => ({
      ...summarize(instance),
      batchId: batchIdOf(instance.instanceId) ?? instance.instanceId,
      children: (children.get(instance.instanceId) ?? [])
        .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId))
        .map(summarize),
    }));
}

/** Returns the ids of an instance and all its sub-orchestrations. */
export function familyOf(rootId: string, instances: readonly OrchestrationRecord[]): string[] {
  const byId = new Map(instances.map((instance) => [instance.instanceId, instance]));
  return instances.filter((instance) => rootOf(instance, byId) === rootId).map((instance) => instance.instanceId);
}

/** Returns the batch id of a `batch-<batchId>` instance id, or null for any other instance. */
export function batchIdOf(instanceId: string): string | null {
  const match = /^batch-(.+)$/.exec(instanceId);
  return match && BATCH_ID_PATTERN.test(match[1]) ? match[1] : null;
}

export function isFinished(runtimeStatus: string): boolean {
  return FINISHED_STATUSES.has(runtimeStatus);
}

function summarize(instance: OrchestrationRecord): InstanceSummary {
  return {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: instance.runtimeStatus,
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
    finished: isFinished(instance.runtimeStatus),
    progress: progressOf(instance),
  };
}

/**
 * Reads `{ phase, total, done, failed }` counters from the custom status, as the batch orchestrator sets them:
 * `done` counts every finished file and `failed` the finished files that failed.
 */
function progressOf(instance: OrchestrationRecord): Progress {
  const status = isObject(instance.customStatus) ? instance.customStatus : {};
  const total = countAt(status.total);
  const done = countAt(status.done) ?? 0;
  const failed = countAt(status.failed) ?? 0;
  const completed = instance.runtimeStatus === 'Completed';

  let percent: number | null = null;
  if (completed) percent = 100;
  else if (total !== null && total > 0) percent = Math.min(100, Math.floor((done * 100) / total));
  else if (total === 0) percent = 0;

  return { phase: typeof status.phase === 'string' ? status.phase : null, total, done, failed, percent };
}

function countAt(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** Follows parent links to the top-level instance; a cycle or a missing parent ends the walk. */
function rootOf(instance: OrchestrationRecord, byId: Map<string, OrchestrationRecord>): string {
  let current = instance;
  const seen = new Set<string>();
  while (current.parentInstanceId !== null && byId.has(current.parentInstanceId) && !seen.has(current.instanceId)) {
    seen.add(current.instanceId);
    current = byId.get(current.parentInstanceId) as OrchestrationRecord;
  }
  return current.instanceId;
}
