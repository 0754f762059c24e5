import { activityItems, activityRows } from './activity-fields';
import { ActivityRecord } from './records';

export interface ThroughputBucket {
  /** Milliseconds after the timeline origin at which the bucket starts. */
  start: number;
  filesPerSecond: number;
  rowsPerSecond: number;
}

export interface Throughput {
  bucketMs: number;
  buckets: ThroughputBucket[];
  files: number;
  rows: number;
}

/** Bucket widths to choose from, so labels stay round numbers. */
const BUCKET_WIDTHS_MS = [250, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 1800000];
const MAX_BUCKETS = 60;

/**
 * Buckets completed fan-out activities by completion time. The fan-out function is the one that ran the most
 * activities (the map step). Files per second adds the files its results report, or one per activity without a
 * count, and rows per second adds their `rows`.
 */
export function buildThroughput(activities: readonly ActivityRecord[], originMs: number, spanMs: number): Throughput {
  const fanOut = fanOutFunction(activities);
  const completed = activities.filter((activity) => activity.name === fanOut && activity.status === 'completed');
  const bucketMs = BUCKET_WIDTHS_MS.find((width) => spanMs / width <= MAX_BUCKETS) ?? 3600000;
  const buckets: ThroughputBucket[] = Array.from({ length: Math.floor(spanMs / bucketMs) + 1 }, (_, index) => ({
    start: index * bucketMs,
    filesPerSecond: 0,
    rowsPerSecond: 0,
  }));

  let rows = 0;
  let files = 0;
  for (const activity of completed) {
    const offset = (activity.completedAt ?? activity.scheduledAt) - originMs;
    const bucket = buckets[Math.min(buckets.length - 1, Math.max(0, Math.floor(offset / bucketMs)))];
    const activityRowCount = activityRows(activity.result);
    const activityFiles = activityItems(activity.result).done;
    bucket.filesPerSecond += (activityFiles * 1000) / bucketMs;
    bucket.rowsPerSecond += (activityRowCount * 1000) / bucketMs;
    rows += activityRowCount;
    files += activityFiles;
  }

  return { bucketMs, buckets, files, rows };
}

/** Returns the activity function called most often, which in a fan-out is the per-item step. */
export function fanOutFunction(activities: readonly ActivityRecord[]): string | null {
  const counts = new Map<string, number>();
  for (const activity of activities) counts.set(activity.name, (counts.get(activity.name) ?? 0) + 1);

  let best: string | null = null;
  for (const [name, count] of counts) {
    if (best === null || count > (counts.get(best) ?? 0)) best = name;
  }
  return best;
}
