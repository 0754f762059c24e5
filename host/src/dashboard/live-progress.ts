import { activityItems } from './activity-fields';
import { BatchSummary, InstanceSummary, Progress } from './batches';
import { ActivityRecord } from './records';
import { fanOutFunction } from './throughput';

/**
 * Raises the progress counters of a running batch and its sub-orchestrations to what the activity records show.
 * An orchestrator can only update its custom status between episodes, and one waiting on `Task.all` stays at
 * `done: 0` until the whole fan-out finishes; the completed fan-out activities are already in the task hub.
 */
export function withLiveProgress(batch: BatchSummary, activities: readonly ActivityRecord[]): BatchSummary {
  if (!needsLiveCounts(batch)) return batch;
  const fanOut = fanOutFunction(activities);
  const mapped = activities.filter((activity) => activity.name === fanOut);

  return {
    ...withCounts(batch, mapped),
    children: batch.children.map((child) =>
      withCounts(
        child,
        mapped.filter((activity) => activity.instanceId === child.instanceId),
      ),
    ),
  };
}

/**
 * In the `mapping` phase the custom status contains the counts from before the fan-out (a redrive starts with the
 * files its base run already mapped), so this run's activities add to them. In other phases the larger count wins.
 */
function withCounts<T extends InstanceSummary>(instance: T, mapped: readonly ActivityRecord[]): T {
  const { progress } = instance;
  if (!needsLiveCounts(instance) || progress.total === null) return instance;

  const counted = countOutcomes(mapped);
  const base = progress.phase === 'mapping' ? progress : { done: 0, failed: 0 };
  const done = Math.min(progress.total, Math.max(progress.done, base.done + counted.done));
  const failed = Math.min(done, Math.max(progress.failed, base.failed + counted.failed));
  return {
    ...instance,
    progress: { ...progress, done, failed, percent: runningPercent(progress, done) },
  };
}

/**
 * Tells whether the activity records know more than the custom status: while the instance runs, and after it was
 * terminated or failed while mapping, since its custom status then still has the counts from before the fan-out.
 */
export function needsLiveCounts(instance: InstanceSummary): boolean {
  return !instance.finished || (instance.runtimeStatus !== 'Completed' && instance.progress.phase === 'mapping');
}

/** Counts each fan-out activity once, by its input, so retried attempts are not counted twice. */
function countOutcomes(mapped: readonly ActivityRecord[]): { done: number; failed: number } {
  const outcomes = new Map<string, { done: number; failed: number }>();
  for (const activity of mapped) {
    if (activity.status !== 'completed') continue;
    outcomes.set(`${activity.instanceId}\n${JSON.stringify(activity.input)}`, activityItems(activity.result));
  }
  const counted = { done: 0, failed: 0 };
  for (const items of outcomes.values()) {
    counted.done += items.done;
    counted.failed += items.failed;
  }
  return counted;
}

/** Computes the percent of a running instance, at most 99 because its last steps (reduce, write the result) are still ahead. */
function runningPercent(progress: Progress, finished: number): number | null {
  if (progress.total === null || progress.total === 0) return progress.percent;
  return Math.min(99, Math.floor((finished * 100) / progress.total));
}
