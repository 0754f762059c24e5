import type { HttpRequestJson } from '../actions';
import { EventType } from '../history';

export type OperationKind = 'activity' | 'timer' | 'subOrchestration' | 'entityMessage';

/**
 * One operation the orchestrator scheduled under a sequence id. `recorded` means that its scheduling event is
 * already in the history. `ready` is false while the operation waits for an earlier one: an HTTP poll
 * request is allocated together with its delay timer but only sent after the timer fired.
 */
export interface Operation {
  id: number;
  kind: OperationKind;
  /** Activity or orchestrator name, `BuiltIn::HttpActivity`, or the entity operation name. */
  name: string;
  recorded: boolean;
  ready: boolean;
  /** JSON text of the input, null when there is none. */
  input: string | null;
  fireAt?: number;
  instanceId?: string;
  version?: string;
  http?: HttpRequestJson;
  entity?: { target: string; signal: boolean; requestId: string };
}

export const schedulingEventOf: Record<OperationKind, EventType> = {
  activity: EventType.TaskScheduled,
  timer: EventType.TimerCreated,
  subOrchestration: EventType.SubOrchestrationInstanceCreated,
  entityMessage: EventType.EventSent,
};

/** Context the shadow replay needs besides the actions and the history. */
export interface ReplayContext {
  executionId: string;
  maximumShortTimerDurationMs: number;
  longRunningTimerIntervalMs: number;
  defaultAsyncRequestSleepTimeMs: number;
  newRequestId(): string;
}
