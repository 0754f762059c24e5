import {
  BATCH_FAN_OUT,
  BATCH_LATENCY,
  BATCH_OUTCOMES,
  BATCH_RESULTS,
  FAILED_BATCHES,
  FAILED_FILES,
  FILES_PER_MINUTE,
  MAP_DURATION,
  MAP_VOLUME,
} from './app-queries';

/**
 * KQL of the pipeline workbook, kept apart from the workbook layout so that the queries can follow the telemetry
 * names of the app. The queries over the app's own logs and metrics are in `app-queries.ts`. The queries use the classic Application Insights schema (`traces`, `requests`), which is the
 * schema that a workbook scoped to the Application Insights resource queries. `{TimeRange}` is the workbook's time
 * range parameter.
 *
 * Durable Functions writes one `traces` row per orchestration or activity lifecycle event under the category
 * `Host.Triggers.DurableTask`, with `prop__functionType`, `prop__state`, `prop__instanceId` and `prop__isReplay` in
 * the custom dimensions. Sampling may drop some of these rows, so every count sums `itemCount` and is an estimate.
 */

/** Chart or table type of a query step. */
export type WorkbookVisualization = 'table' | 'timechart' | 'barchart';

export interface WorkbookQuery {
  /** Stable step name inside the workbook. */
  readonly name: string;
  readonly title: string;
  readonly visualization: WorkbookVisualization;
  readonly query: string;
}

/** Durable lifecycle rows, the source of most queries below. */
const DURABLE_TRACES = `traces
| where timestamp {TimeRange}
| where tostring(customDimensions.Category) == "Host.Triggers.DurableTask"`;

/** Names of the activity functions seen in the time range, to pick their executions out of `requests`. */
const ACTIVITY_FUNCTIONS = `let activityFunctions = ${DURABLE_TRACES}
| where tostring(customDimensions.prop__functionType) == "Activity"
| distinct functionName = tostring(customDimensions.prop__functionName);`;

export const ORCHESTRATION_OUTCOMES: WorkbookQuery = {
  name: 'orchestration-outcomes',
  title: 'Orchestration outcomes',
  visualization: 'barchart',
  query: `${DURABLE_TRACES}
| where tostring(customDimensions.prop__functionType) == "Orchestrator"
| where tobool(customDimensions.prop__isReplay) != true
| extend state = tostring(customDimensions.prop__state)
| where state in ("Completed", "Failed", "Terminated")
| summarize orchestrations = sum(itemCount) by state, bin(timestamp, 15m)`,
};

export const ACTIVITY_DURATIONS: WorkbookQuery = {
  name: 'activity-durations',
  title: 'Activity duration (ms)',
  visualization: 'table',
  query: `${ACTIVITY_FUNCTIONS}
requests
| where timestamp {TimeRange}
| where name in (activityFunctions)
| summarize runs = sum(itemCount), p50 = percentile(duration, 50), p95 = percentile(duration, 95), max = max(duration)
    by name
| order by p95 desc`,
};

export const FAILED_ORCHESTRATIONS: WorkbookQuery = {
  name: 'failed-orchestrations',
  title: 'Failed orchestrations and activities',
  visualization: 'table',
  query: `${DURABLE_TRACES}
| where tostring(customDimensions.prop__state) == "Failed"
| project timestamp,
    instanceId = tostring(customDimensions.prop__instanceId),
    functionName = tostring(customDimensions.prop__functionName),
    functionType = tostring(customDimensions.prop__functionType),
    reason = tostring(customDimensions.prop__reason)
| order by timestamp desc
| take 200`,
};

export const FAILED_EXECUTIONS: WorkbookQuery = {
  name: 'failed-executions',
  title: 'Failed function executions',
  visualization: 'table',
  query: `requests
| where timestamp {TimeRange}
| where success == false
| summarize failures = sum(itemCount), lastSeen = max(timestamp), sampleOperationId = any(operation_Id)
    by name, resultCode
| order by failures desc`,
};

export const ACTIVITY_THROUGHPUT: WorkbookQuery = {
  name: 'activity-throughput',
  title: 'Activity executions per minute',
  visualization: 'timechart',
  query: `${ACTIVITY_FUNCTIONS}
requests
| where timestamp {TimeRange}
| where name in (activityFunctions)
| summarize executions = sum(itemCount) by name, bin(timestamp, 1m)`,
};

// NOTE: this counts non-replay `Scheduled` activity rows. If live data shows them emitted on replay without the flag,
// count `Started` rows per instance instead, which also counts retries.
export const FAN_OUT_WIDTH: WorkbookQuery = {
  name: 'fan-out-width',
  title: 'Activities scheduled per orchestration',
  visualization: 'table',
  query: `${DURABLE_TRACES}
| where tostring(customDimensions.prop__functionType) == "Activity"
| where tostring(customDimensions.prop__state) == "Scheduled"
| where tobool(customDimensions.prop__isReplay) != true
| summarize fanOut = sum(itemCount) by instanceId = tostring(customDimensions.prop__instanceId)
| summarize orchestrations = count(), averageWidth = avg(fanOut), p95Width = percentile(fanOut, 95),
    maxWidth = max(fanOut)`,
};

export const ORCHESTRATION_LATENCY: WorkbookQuery = {
  name: 'orchestration-latency',
  title: 'End-to-end orchestration duration (s)',
  visualization: 'table',
  query: `${DURABLE_TRACES}
| where tostring(customDimensions.prop__functionType) == "Orchestrator"
| extend instanceId = tostring(customDimensions.prop__instanceId), state = tostring(customDimensions.prop__state)
| summarize started = minif(timestamp, state in ("Scheduled", "Started")),
    finished = maxif(timestamp, state in ("Completed", "Failed", "Terminated")),
    outcome = take_anyif(state, state in ("Completed", "Failed", "Terminated"))
    by instanceId
| where isnotempty(finished)
| extend seconds = datetime_diff("millisecond", finished, started) / 1000.0
| summarize orchestrations = count(), p50 = percentile(seconds, 50), p95 = percentile(seconds, 95) by outcome`,
};

/**
 * Query steps in the order the workbook shows them, two per row: where each batch is, outcomes, latency, fan-out,
 * throughput and durations, then failures.
 */
export const PIPELINE_QUERIES: readonly WorkbookQuery[] = [
  BATCH_RESULTS,
  MAP_VOLUME,
  BATCH_OUTCOMES,
  ORCHESTRATION_OUTCOMES,
  BATCH_LATENCY,
  ORCHESTRATION_LATENCY,
  BATCH_FAN_OUT,
  FAN_OUT_WIDTH,
  FILES_PER_MINUTE,
  ACTIVITY_THROUGHPUT,
  MAP_DURATION,
  ACTIVITY_DURATIONS,
  FAILED_BATCHES,
  FAILED_FILES,
  FAILED_ORCHESTRATIONS,
  FAILED_EXECUTIONS,
];
