/**
 * Copy of the Function App's telemetry names (`functions/src/telemetry/names.ts`). The infra stack imports nothing
 * from the app, so the workbook queries use this copy, and `test/telemetry` fails when the two differ.
 */

/**
 * Every log event name the Function App emits. Each log line starts with one of these names followed by a JSON
 * object of fields (`batchId`, `instanceId`, `blob`, ...), so a workbook can filter on the name and parse the rest.
 */
export const LogEvent = {
  /** Starter received a queue message that is not a BlobCreated event for `input/<batchId>/_manifest.json`. */
  eventIgnored: 'starter.event-ignored',
  /** Starter found a manifest event whose batch id breaks the batch id rule. */
  batchIdInvalid: 'starter.batch-id-invalid',
  /** Starter started an orchestration for a batch. */
  batchStarted: 'starter.batch-started',
  /** Starter skipped a manifest because a run for the same ETag already exists. */
  duplicateManifest: 'starter.duplicate-manifest',
  /** Starter skipped a manifest because the batch is still running; the new ETag is not started. */
  batchBusy: 'starter.batch-busy',
  /** The engine rejected a start because another delivery started the same instance first. */
  startRaced: 'starter.start-raced',

  /** HTTP API handled a request that changes a batch (start, redrive, terminate, purge). */
  apiBatchCommand: 'api.batch-command',
  /** HTTP API rejected a request with a 4xx status. */
  apiRequestRejected: 'api.request-rejected',

  /** Orchestrator phases (logged once, not on replay). */
  orchestrationStarted: 'orchestration.started',
  orchestrationListed: 'orchestration.listed',
  orchestrationCompleted: 'orchestration.completed',
  chunkCompleted: 'orchestration.chunk-completed',

  /** Activities. */
  listCompleted: 'activity.list-completed',
  listRejected: 'activity.list-rejected',
  mapCompleted: 'activity.map-completed',
  mapFileFailed: 'activity.map-file-failed',
  mapTransientError: 'activity.map-transient-error',
  reduceCompleted: 'activity.reduce-completed',
  resultWritten: 'activity.result-written',
} as const;

export type LogEventName = (typeof LogEvent)[keyof typeof LogEvent];

/**
 * Every metric the Function App records through the OpenTelemetry API. Azure Monitor stores them in `customMetrics`
 * with the attributes in `customDimensions`.
 */
export const MetricName = {
  /** Histogram, milliseconds: one map activity, from reading its chunk list to writing its outcome. */
  mapDuration: 'fanout.map.duration',
  /** Counter, bytes: input bytes of the files mapped successfully. */
  mapBytes: 'fanout.map.bytes',
  /** Counter: rows read from the files mapped successfully. */
  mapRows: 'fanout.map.rows',
  /** Counter: rows rejected as malformed in the files mapped successfully. */
  mapRejectedRows: 'fanout.map.rejected_rows',
  /** Counter: map activities, by `outcome`. */
  mapFiles: 'fanout.map.files',

  /** Histogram, milliseconds: one batch run, from the orchestration start to the result written. */
  batchDuration: 'fanout.batch.duration',
  /** Counter: files of the whole batch, per batch run that wrote a result. */
  batchFiles: 'fanout.batch.files',
  /** Counter: files that failed to map in the batch runs that wrote a result. */
  batchFailedFiles: 'fanout.batch.failed_files',
  /** Counter: batch runs that wrote a result, by `status`. */
  batchRuns: 'fanout.batch.runs',
} as const;

export type MetricNameValue = (typeof MetricName)[keyof typeof MetricName];

/**
 * Keys shared by log fields and metric attributes, so one name finds a batch in `traces` and `customMetrics` alike.
 */
export const TelemetryKey = {
  batchId: 'batchId',
  instanceId: 'instanceId',
  runId: 'runId',
  /** Input blob of a map activity, `input/<batchId>/<file>`. */
  blob: 'blob',
  /** Map activity outcome: `mapped`, `failed` (bad data, reported in `failed.jsonl`) or `error` (thrown, retried). */
  outcome: 'outcome',
  /** Kind of a file failure, such as `missing-column` or `not-found`. */
  kind: 'kind',
  error: 'error',
  /** Batch status: `completed` or `failed`. */
  status: 'status',
  durationMs: 'durationMs',
  bytes: 'bytes',
  rows: 'rows',
  rejectedRows: 'rejectedRows',
  /** Files a run maps; a redrive maps only the files that failed in the run before. */
  files: 'files',
  /** Files of the whole batch, including those a redrive takes from the run before. */
  total: 'total',
  /** Files that failed to map. */
  failed: 'failed',
  chunks: 'chunks',
  /** Result blob of a batch, `results/<batchId>/summary.json`. */
  result: 'result',
} as const;
