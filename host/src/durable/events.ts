import {
  EventType,
  OrchestrationStatusCode,
  isoNow,
  type FailureDetails,
  type HistoryEvent,
  type ParentInstanceInfo,
} from './history';

/** Builders of the history events the engine writes, with the fields the extension writes for them. */
export const events = {
  orchestratorStarted: (at: number): HistoryEvent => ({
    EventType: EventType.OrchestratorStarted,
    EventId: -1,
    Timestamp: isoNow(at),
  }),

  orchestratorCompleted: (at: number): HistoryEvent => ({
    EventType: EventType.OrchestratorCompleted,
    EventId: -1,
    Timestamp: isoNow(at),
  }),

  executionStarted: (start: {
    at: number;
    name: string;
    version: string;
    input: string | null;
    instanceId: string;
    executionId: string;
    parent: ParentInstanceInfo | null;
  }): HistoryEvent => ({
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    Timestamp: isoNow(start.at),
    OrchestrationInstance: { InstanceId: start.instanceId, ExecutionId: start.executionId },
    ParentInstance: start.parent,
    Name: start.name,
    Version: start.version,
    Input: start.input,
    Tags: null,
  }),

  executionCompleted: (
    at: number,
    id: number,
    status: OrchestrationStatusCode,
    result: string | null,
    failure?: FailureDetails | null,
  ): HistoryEvent => ({
    EventType: EventType.ExecutionCompleted,
    EventId: id,
    Timestamp: isoNow(at),
    OrchestrationStatus: status,
    Result: result,
    FailureDetails: failure ?? null,
  }),

  executionTerminated: (at: number, reason: string): HistoryEvent => ({
    EventType: EventType.ExecutionTerminated,
    EventId: -1,
    Timestamp: isoNow(at),
    Input: reason,
  }),

  suspension: (at: number, suspended: boolean, reason: string): HistoryEvent => ({
    EventType: suspended ? EventType.ExecutionSuspended : EventType.ExecutionResumed,
    EventId: -1,
    Timestamp: isoNow(at),
    Reason: reason,
  }),

  taskScheduled: (at: number, id: number, name: string, input: string | null): HistoryEvent => ({
    EventType: EventType.TaskScheduled,
    EventId: id,
    Timestamp: isoNow(at),
    Name: name,
    Version: '',
    Input: input,
  }),

  taskCompleted: (at: number, taskId: number, result: string | null): HistoryEvent => ({
    EventType: EventType.TaskCompleted,
    EventId: -1,
    Timestamp: isoNow(at),
    TaskScheduledId: taskId,
    Result: result,
  }),

  taskFailed: (
    at: number,
    taskId: number,
    reason: string,
    details: string,
    failure: FailureDetails | null,
  ): HistoryEvent => ({
    EventType: EventType.TaskFailed,
    EventId: -1,
    Timestamp: isoNow(at),
    TaskScheduledId: taskId,
    Reason: reason,
    Details: details,
    FailureDetails: failure,
  }),

  timerCreated: (at: number, id: number, fireAt: number): HistoryEvent => ({
    EventType: EventType.TimerCreated,
    EventId: id,
    Timestamp: isoNow(at),
    FireAt: isoNow(fireAt),
  }),

  timerFired: (at: number, timerId: number, fireAt: number): HistoryEvent => ({
    EventType: EventType.TimerFired,
    EventId: -1,
    Timestamp: isoNow(at),
    TimerId: timerId,
    FireAt: isoNow(fireAt),
  }),

  subOrchestrationCreated: (
    at: number,
    id: number,
    name: string,
    instanceId: string,
    input: string | null,
  ): HistoryEvent => ({
    EventType: EventType.SubOrchestrationInstanceCreated,
    EventId: id,
    Timestamp: isoNow(at),
    Name: name,
    Version: '',
    InstanceId: instanceId,
    Input: input,
  }),

  subOrchestrationCompleted: (at: number, taskId: number, result: string | null): HistoryEvent => ({
    EventType: EventType.SubOrchestrationInstanceCompleted,
    EventId: -1,
    Timestamp: isoNow(at),
    TaskScheduledId: taskId,
    Result: result,
  }),

  subOrchestrationFailed: (at: number, taskId: number, reason: string, details: string): HistoryEvent => ({
    EventType: EventType.SubOrchestrationInstanceFailed,
    EventId: -1,
    Timestamp: isoNow(at),
    TaskScheduledId: taskId,
    Reason: reason,
    Details: details,
    FailureDetails: null,
  }),

  eventSent: (at: number, id: number, target: string, name: string, input: string): HistoryEvent => ({
    EventType: EventType.EventSent,
    EventId: id,
    Timestamp: isoNow(at),
    InstanceId: target,
    Name: name,
    Input: input,
  }),

  eventRaised: (at: number, name: string, input: string | null): HistoryEvent => ({
    EventType: EventType.EventRaised,
    EventId: -1,
    Timestamp: isoNow(at),
    Name: name,
    Input: input,
  }),
};

export function playedJson(event: HistoryEvent): string {
  return JSON.stringify({ ...event, IsPlayed: true });
}

export function unplayedJson(event: HistoryEvent): string {
  return JSON.stringify({ ...event, IsPlayed: false });
}
