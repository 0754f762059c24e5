import { activityLabel, typedErrorMessage } from './activity-fields';
import { ActivityRecord, ActivityStatus } from './records';

/** One row of the fan-out timeline: one activity attempt, or several consecutive ones when aggregated. */
export interface TimelineBar {
  label: string;
  functionName: string;
  status: ActivityStatus;
  /** Milliseconds after the timeline origin; `started` and `completed` are null until those events happen. */
  scheduled: number;
  started: number | null;
  completed: number | null;
  /** Number of activity attempts in this row. */
  count: number;
  /** Attempts in this row that threw or returned a typed error. */
  failed: number;
  /** Failure reason of a single failed attempt. */
  failure: string | null;
}

export interface Timeline {
  /** ISO time of the earliest scheduled activity; null when there is none. */
  origin: string | null;
  /** Milliseconds from the origin to the last completion, or to now while activities still run. */
  spanMs: number;
  activityCount: number;
  /** Maximum number of activity attempts running at the same time. */
  maxConcurrency: number;
  /** True when rows contain several attempts because there are more attempts than `maxBars`. */
  aggregated: boolean;
  bars: TimelineBar[];
}

/** Turns activity attempts into single bars sorted by scheduled time; the origin is the earliest schedule. */
export function activityBars(activities: readonly ActivityRecord[]): { originMs: number | null; bars: TimelineBar[] } {
  // Attempts not started yet sort after the started ones scheduled at the same time.
  const sorted = [...activities].sort(
    (a, b) => a.scheduledAt - b.scheduledAt || (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity),
  );
  if (sorted.length === 0) return { originMs: null, bars: [] };

  const originMs = sorted[0].scheduledAt;
  return { originMs, bars: sorted.map((activity) => singleBar(activity, originMs)) };
}

/**
 * Builds the fan-out timeline from sorted single bars, so overlapping bars show the parallelism. Above `maxBars`
 * attempts, consecutive attempts share one bar, so the page's size stays bounded for batches of any size.
 */
export function buildTimeline(
  single: readonly TimelineBar[],
  originMs: number | null,
  nowMs: number,
  maxBars: number,
): Timeline {
  if (originMs === null || single.length === 0) {
    return { origin: null, spanMs: 0, activityCount: 0, maxConcurrency: 0, aggregated: false, bars: [] };
  }

  const perBar = Math.ceil(single.length / Math.max(1, maxBars));
  const spanMs = single.reduce((max, bar) => Math.max(max, bar.completed ?? nowMs - originMs), 0);
  return {
    origin: new Date(originMs).toISOString(),
    spanMs,
    activityCount: single.length,
    maxConcurrency: maxConcurrency(single, nowMs - originMs),
    aggregated: perBar > 1,
    bars: perBar > 1 ? aggregate(single, perBar) : [...single],
  };
}

function singleBar(activity: ActivityRecord, originMs: number): TimelineBar {
  const typedError = activity.status === 'completed' ? typedErrorMessage(activity.result) : null;
  const failure = activity.failure ?? typedError;
  const failed = activity.status === 'failed' || typedError !== null;

  return {
    label: activityLabel(activity.input) || activity.name,
    functionName: activity.name,
    status: failed ? 'failed' : activity.status,
    scheduled: activity.scheduledAt - originMs,
    started: activity.startedAt === null ? null : activity.startedAt - originMs,
    completed: activity.completedAt === null ? null : activity.completedAt - originMs,
    count: 1,
    failed: failed ? 1 : 0,
    failure: failed ? (failure ?? 'failed without a reason') : null,
  };
}

function aggregate(bars: readonly TimelineBar[], perBar: number): TimelineBar[] {
  const rows: TimelineBar[] = [];
  for (let index = 0; index < bars.length; index += perBar) {
    rows.push(mergeBars(bars.slice(index, index + perBar)));
  }
  return rows;
}

function mergeBars(group: TimelineBar[]): TimelineBar {
  const first = group[0];
  const last = group[group.length - 1];
  const names = new Set(group.map((bar) => bar.functionName));
  const started = group.map((bar) => bar.started).filter((value): value is number => value !== null);
  const unfinished = group.some((bar) => bar.completed === null);
  const failed = group.reduce((sum, bar) => sum + bar.failed, 0);

  return {
    label: `${first.label} … ${last.label}`,
    functionName: names.size === 1 ? first.functionName : [...names].join(', '),
    status: mergedStatus(unfinished, failed),
    scheduled: first.scheduled,
    started: started.length > 0 ? started.reduce((min, value) => Math.min(min, value)) : null,
    completed: unfinished ? null : group.reduce((max, bar) => Math.max(max, bar.completed as number), 0),
    count: group.length,
    failed,
    failure: null,
  };
}

/** Returns the maximum number of attempts running at once, each from its start to its completion (or now). */
function maxConcurrency(bars: readonly TimelineBar[], nowOffset: number): number {
  const edges: Array<[number, number]> = [];
  for (const bar of bars) {
    if (bar.started === null) continue;
    edges.push([bar.started, 1], [bar.completed ?? nowOffset, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  let running = 0;
  let max = 0;
  for (const [, change] of edges) {
    running += change;
    max = Math.max(max, running);
  }
  return max;
}

function mergedStatus(unfinished: boolean, failed: number): ActivityStatus {
  if (unfinished) return 'running';
  return failed > 0 ? 'failed' : 'completed';
}
