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
