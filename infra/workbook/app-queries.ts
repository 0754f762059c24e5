/**
 * KQL over the telemetry that the Function App itself writes, as opposed to the Durable lifecycle rows:
 *
 * - log lines in `traces`: the function's `context.log` output, `<event name> <JSON fields>`, parsed into `fields`;
 * - OpenTelemetry metrics in `customMetrics`, with the attributes in `customDimensions`. Metrics are exported as
 *   deltas, so a counter row contains the sum over one export interval and a histogram row contains `valueSum`
 *   and `valueCount`.
 *
 * Every name comes from `telemetry-names.ts`, so a query cannot drift from what the app emits.
 */
import type { WorkbookQuery } from './queries';
import { LogEvent, LogEventName, MetricName, MetricNameValue, TelemetryKey as Key } from './telemetry-names';

/** Lines the app logged under one event name, with their JSON fields in the dynamic column `fields`. */
function appEvents(event: LogEventName): string {
  return `traces
| where timestamp {TimeRange}
| where message startswith "${event} "
| extend fields = parse_json(substring(message, ${event.length + 1}))`;
}

/** Rows of the given app metrics. */
function appMetrics(...names: MetricNameValue[]): string {
  const list = names.map((name) => `"${name}"`).join(', ');
  return `customMetrics
| where timestamp {TimeRange}
| where name in (${list})`;
}

/** A metric attribute as a string column. */
const dimension = (key: string) => `tostring(customDimensions.${key})`;

/** A log field as a number column. */
const numberField = (key: string) => `todouble(fields.${key})`;

export const BATCH_OUTCOMES: WorkbookQuery = {
  name: 'batch-outcomes',
  title: 'Batch runs by status',
  visualization: 'barchart',
  query: `${appMetrics(MetricName.batchRuns)}
| summarize runs = sum(value) by ${Key.status} = ${dimension(Key.status)}, bin(timestamp, 15m)`,
};

/** Batch runs from the unsampled metrics, so that every run that wrote a result is listed. */
export const BATCH_RESULTS: WorkbookQuery = {
  name: 'batch-results',
  title: 'Latest batch results',
  visualization: 'table',
  query: `${appMetrics(MetricName.batchRuns, MetricName.batchDuration, MetricName.batchFiles, MetricName.batchFailedFiles)}
| summarize finished = max(timestamp),
    ${Key.total} = sumif(value, name == "${MetricName.batchFiles}"),
    ${Key.failed} = sumif(value, name == "${MetricName.batchFailedFiles}"),
    seconds = sumif(valueSum, name == "${MetricName.batchDuration}") / 1000.0
    by ${Key.batchId} = ${dimension(Key.batchId)},
    ${Key.instanceId} = ${dimension(Key.instanceId)},
    ${Key.runId} = ${dimension(Key.runId)},
    ${Key.status} = ${dimension(Key.status)},
    ${Key.result} = ${dimension(Key.result)}
| order by finished desc
| take 200`,
};

// NOTE: the run id is an attribute and the result activity records the duration once, so each histogram row is one
// run and its mean is the run's duration. A retried result activity records the run a second time.
export const BATCH_LATENCY: WorkbookQuery = {
  name: 'batch-latency',
  title: 'Batch run duration (s)',
  visualization: 'table',
  query: `${appMetrics(MetricName.batchDuration)}
| extend seconds = valueSum / valueCount / 1000.0
| summarize runs = sum(valueCount), p50 = percentile(seconds, 50), p95 = percentile(seconds, 95), max = max(seconds)
    by ${Key.status} = ${dimension(Key.status)}`,
};

export const MAP_DURATION: WorkbookQuery = {
  name: 'map-duration',
  title: 'Map duration per file (ms)',
  visualization: 'timechart',
  query: `${appEvents(LogEvent.mapCompleted)}
| summarize p50 = percentile(${numberField(Key.durationMs)}, 50), p95 = percentile(${numberField(Key.durationMs)}, 95)
    by bin(timestamp, 15m)`,
};

export const MAP_VOLUME: WorkbookQuery = {
  name: 'map-volume',
  title: 'Bytes, rows and rejected rows per batch',
  visualization: 'table',
  query: `${appMetrics(MetricName.mapBytes, MetricName.mapRows, MetricName.mapRejectedRows)}
| summarize ${Key.bytes} = sumif(value, name == "${MetricName.mapBytes}"),
    ${Key.rows} = sumif(value, name == "${MetricName.mapRows}"),
    ${Key.rejectedRows} = sumif(value, name == "${MetricName.mapRejectedRows}"),
    lastSeen = max(timestamp)
    by ${Key.batchId} = ${dimension(Key.batchId)}, ${Key.instanceId} = ${dimension(Key.instanceId)}
| order by lastSeen desc`,
};

export const FILES_PER_MINUTE: WorkbookQuery = {
  name: 'files-per-minute',
  title: 'Files mapped per minute',
  visualization: 'timechart',
  query: `${appMetrics(MetricName.mapFiles)}
| summarize files = sum(value) by ${Key.outcome} = ${dimension(Key.outcome)}, bin(timestamp, 1m)`,
};

export const BATCH_FAN_OUT: WorkbookQuery = {
  name: 'batch-fan-out',
  title: 'Files and chunks per batch run',
  visualization: 'table',
  query: `${appEvents(LogEvent.orchestrationListed)}
| extend ${Key.files} = ${numberField(Key.files)}, ${Key.chunks} = ${numberField(Key.chunks)}
| summarize runs = sum(itemCount), averageFiles = avg(${Key.files}), p95Files = percentile(${Key.files}, 95),
    maxFiles = max(${Key.files}), maxChunks = max(${Key.chunks})`,
};

export const FAILED_FILES: WorkbookQuery = {
  name: 'failed-files',
  title: 'Files that failed to map',
  visualization: 'table',
  query: `${appEvents(LogEvent.mapFileFailed)}
| project timestamp,
    ${Key.batchId} = tostring(fields.${Key.batchId}),
    ${Key.instanceId} = tostring(fields.${Key.instanceId}),
    ${Key.blob} = tostring(fields.${Key.blob}),
    ${Key.kind} = tostring(fields.${Key.kind}),
    ${Key.error} = tostring(fields.${Key.error})
| order by timestamp desc
| take 200`,
};

export const FAILED_BATCHES: WorkbookQuery = {
  name: 'failed-batches',
  title: 'Failed batch runs',
  visualization: 'table',
  query: `${appEvents(LogEvent.orchestrationCompleted)}
| where tostring(fields.${Key.status}) == "failed"
| project timestamp,
    ${Key.batchId} = tostring(fields.${Key.batchId}),
    ${Key.instanceId} = tostring(fields.${Key.instanceId}),
    ${Key.runId} = tostring(fields.${Key.runId}),
    ${Key.total} = ${numberField(Key.total)},
    ${Key.failed} = ${numberField(Key.failed)},
    ${Key.error} = tostring(fields.${Key.error})
| order by timestamp desc
| take 200`,
};
