import { isObject, typedErrorMessage } from './activity-fields';
import { BatchSummary, batchIdOf, familyOf, groupBatches } from './batches';
import { withLiveProgress } from './live-progress';
import { ActivityRecord, DashboardSource } from './records';
import { Throughput, buildThroughput } from './throughput';
import { Timeline, TimelineBar, activityBars, buildTimeline } from './timeline';

export interface Failure {
  /** Failed item: a file name for a map activity, an instance id for an orchestration. */
  label: string;
  functionName: string;
  reason: string;
}

export interface ResultLink {
  /** Blob path of the summary, `results/<batchId>/summary.json`. */
  blobPath: string;
  /** Dashboard URL serving that blob; null when the dashboard has no access to the data storage account. */
  url: string | null;
}

export interface BatchDetail {
  batch: BatchSummary;
  /** `status` of the orchestration output, such as `failed` for a batch above its tolerated failures. */
  outcome: string | null;
  timeline: Timeline;
  throughput: Throughput;
  failures: Failure[];
  /** Number of failures; `failures` lists at most `maxFailures` of them. */
  failureCount: number;
  result: ResultLink | null;
}

export interface DetailOptions {
  maxBars: number;
  maxFailures: number;
  /** URL path of the result route for a batch id, or undefined when results are not served. */
  resultUrl?: (instanceId: string) => string;
  nowMs: number;
  nameActivities?: (activities: readonly ActivityRecord[]) => Promise<ActivityRecord[]>;
}

/** Reads one batch and everything the detail view shows; returns undefined for an unknown top-level instance. */
export async function readBatchDetail(
  source: DashboardSource,
  instanceId: string,
  options: DetailOptions,
): Promise<BatchDetail | undefined> {
  const instances = await source.listOrchestrations();
  const batch = groupBatches(instances).find((candidate) => candidate.instanceId === instanceId);
  const output = instances.find((instance) => instance.instanceId === instanceId)?.output;
  if (!batch) return undefined;

  const family = new Set(familyOf(instanceId, instances));
  const records = await source.listActivities([...family]);
  const activities = options.nameActivities ? await options.nameActivities(records) : records;
  const { originMs, bars } = activityBars(activities);
  const timeline = buildTimeline(bars, originMs, options.nowMs, options.maxBars);
  const batchError = typedErrorMessage(output);
  const failures = [
    ...(batchError === null ? [] : [{ label: instanceId, functionName: batch.name, reason: batchError }]),
    ...instances
      .filter((instance) => family.has(instance.instanceId) && instance.runtimeStatus === 'Failed')
      .map((instance) => ({
        label: instance.instanceId,
        functionName: instance.name,
        reason: reasonOf(instance.output),
      })),
    ...failedBars(bars),
  ];

  return {
    batch: withLiveProgress(batch, activities),
    outcome: isObject(output) && typeof output.status === 'string' ? output.status : null,
    timeline,
    throughput: buildThroughput(activities, originMs ?? options.nowMs, timeline.spanMs),
    failures: failures.slice(0, options.maxFailures),
    failureCount: failures.length,
    result: resultLink(batch, output, options.resultUrl),
  };
}

function failedBars(bars: readonly TimelineBar[]): Failure[] {
  return bars
    .filter((bar) => bar.failure !== null)
    .map((bar) => ({ label: bar.label, functionName: bar.functionName, reason: bar.failure as string }));
}

/** Links the summary blob named in the orchestration output (`result.container`, `result.summary`), if any. */
function resultLink(batch: BatchSummary, output: unknown, resultUrl: DetailOptions['resultUrl']): ResultLink | null {
  const batchId = batchIdOf(batch.instanceId);
  const location = isObject(output) && isObject(output.result) ? output.result : {};
  let blobPath: string | null = batchId === null ? null : `results/${batchId}/summary.json`;
  if (typeof location.container === 'string' && typeof location.summary === 'string') {
    blobPath = `${location.container}/${location.summary}`;
  }
  if (blobPath === null) return null;

  const served = resultUrl !== undefined && batch.finished && batchId !== null;
  return { blobPath, url: served ? resultUrl(batch.instanceId) : null };
}

function reasonOf(output: unknown): string {
  if (typeof output === 'string') return output;
  if (isObject(output) && typeof output.message === 'string') return output.message;
  return output === null || output === undefined ? 'failed without a reason' : JSON.stringify(output);
}
