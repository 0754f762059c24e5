import { EventType, OrchestrationStatusCode, type HistoryEvent } from '../history';
import { parseLenient } from './json-text';

const completionTypes = new Set([
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
]);
const hiddenTypes = new Set([EventType.OrchestratorStarted, EventType.OrchestratorCompleted]);

/**
 * Projects raw history events to the `historyEvents` of the status API, as the extension does: type
 * names instead of numbers, scheduling events merged into their completions, replay bookkeeping removed.
 */
export function projectHistory(
  history: HistoryEvent[],
  showInput: boolean,
  showOutput: boolean,
): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const completedIds = new Set<number>();
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated) {
      scheduled.set(event.EventId, event);
    } else if (completionTypes.has(event.EventType) && event.TaskScheduledId !== undefined) {
      completedIds.add(event.TaskScheduledId);
    }
  }
  const projected: Record<string, unknown>[] = [];
  for (const event of history) {
    const isScheduling =
      event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated;
    if (hiddenTypes.has(event.EventType) || (isScheduling && completedIds.has(event.EventId))) {
      continue;
    }
    projected.push(projectEvent(event, scheduled, showInput, showOutput));
  }
  return projected;
}

function projectEvent(
  event: HistoryEvent,
  scheduled: Map<number, HistoryEvent>,
  showInput: boolean,
  showOutput: boolean,
): Record<string, unknown> {
  const { EventType: type, EventId: _id, IsPlayed: _played, ...rest } = event as HistoryEvent & { IsPlayed?: boolean };
  const out: Record<string, unknown> = { EventType: EventType[type], ...rest };
  if (completionTypes.has(type)) {
    const origin = scheduled.get(event.TaskScheduledId ?? -1);
    delete out.TaskScheduledId;
    out.ScheduledTime = origin?.Timestamp;
    out.FunctionName = origin?.Name;
    if (showInput) {
      out.Input = origin?.Input;
    }
  }
  if (type === EventType.ExecutionStarted) {
    out.FunctionName = out.Name;
    for (const key of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags']) {
      delete out[key];
    }
  }
  if (type === EventType.ExecutionCompleted) {
    out.OrchestrationStatus = OrchestrationStatusCode[event.OrchestrationStatus ?? 0];
  }
  if (type === EventType.TimerFired) {
    delete out.TimerId;
  }
  if (type === EventType.TaskScheduled) {
    delete out.Version;
  }
  if ('Result' in out) {
    const keep =
      showOutput &&
      (type === EventType.TaskCompleted ||
        type === EventType.SubOrchestrationInstanceCompleted ||
        type === EventType.ExecutionCompleted);
    if (keep) {
      out.Result = parseLenient(event.Result ?? null);
    } else {
      delete out.Result;
    }
  }
  if (!showInput) {
    delete out.Input;
  }
  return out;
}
