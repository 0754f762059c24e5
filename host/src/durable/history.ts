/** History event types, numbered as in DTFx `EventType` and the durable-functions `HistoryEventType`. */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

/** DTFx `OrchestrationStatus` values used in `ExecutionCompleted.OrchestrationStatus`. */
export enum OrchestrationStatusCode {
  Running = 0,
  Completed = 1,
  ContinuedAsNew = 2,
  Failed = 3,
  Canceled = 4,
  Terminated = 5,
  Pending = 6,
  Suspended = 7,
}

/** Wire shape of DTFx `FailureDetails` (PascalCase, as the extension serializes it). */
export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace: string | null;
  InnerFailure: FailureDetails | null;
  IsNonRetriable: boolean;
  Properties: Record<string, unknown> | null;
}

/**
 * One history event in the PascalCase JSON form the extension sends to out-of-process SDKs. Only the
 * fields of the given `EventType` are set; `IsPlayed` is added when the payload is built.
 */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  Timestamp: string;
  Name?: string;
  Version?: string;
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails | null;
  InstanceId?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: ParentInstanceInfo | null;
  OrchestrationStatus?: OrchestrationStatusCode;
  Tags?: Record<string, string> | null;
}

export interface ParentInstanceInfo {
  OrchestrationInstance: { InstanceId: string; ExecutionId: string };
  Name: string;
  Version: string;
  TaskScheduleId: number;
}

/** Event types that record an operation scheduled by the orchestrator under a sequence id. */
export const schedulingEventTypes: ReadonlySet<EventType> = new Set([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
]);

export function isoNow(ms: number = Date.now()): string {
  return new Date(ms).toISOString();
}
