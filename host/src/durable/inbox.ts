import { EventType, type HistoryEvent } from './history';
import { isTerminal, type InstanceRow, type MessageRow } from './store/rows';

/** Messages and events an episode takes from an instance's queue. */
export interface Inbox {
  consumedIds: number[];
  /** New history events in arrival order, suspension markers included. */
  events: HistoryEvent[];
  /** True when at least one event is for the orchestrator (not only suspend or resume). */
  needsInvocation: boolean;
  terminate?: HistoryEvent;
  /** Suspension state after the consumed messages. */
  suspended: boolean;
}

/**
 * Takes the messages an episode consumes, in arrival order. Results addressed to an older execution are
 * dropped. While the instance is suspended, messages other than resume and terminate stay queued; a
 * suspend ends the batch so later messages wait for the resume.
 */
export function takeInbox(instance: InstanceRow, messages: MessageRow[]): Inbox {
  const inbox: Inbox = {
    consumedIds: [],
    events: [],
    needsInvocation: false,
    suspended: instance.status === 'Suspended',
  };
  const finished = isTerminal(instance.status);
  const live: MessageRow[] = [];
  for (const message of messages) {
    const stale = message.execution_id !== null && message.execution_id !== instance.execution_id;
    if (stale || finished) {
      inbox.consumedIds.push(message.id);
    } else {
      live.push(message);
    }
  }
  if (inbox.suspended) {
    const wake = live.find((m) => m.kind === 'resume' || m.kind === 'terminate');
    if (!wake) {
      return inbox;
    }
    if (wake.kind === 'resume') {
      inbox.consumedIds.push(wake.id);
      inbox.events.push(JSON.parse(wake.event) as HistoryEvent);
      inbox.suspended = false;
      live.splice(live.indexOf(wake), 1);
    }
  }
  takeLive(inbox, live);
  return inbox;
}

function takeLive(inbox: Inbox, live: MessageRow[]): void {
  for (const message of live) {
    const event = JSON.parse(message.event) as HistoryEvent;
    if (message.kind === 'terminate') {
      inbox.consumedIds.push(...live.filter((m) => m.id >= message.id).map((m) => m.id));
      inbox.terminate = event;
      return;
    }
    if (inbox.suspended) {
      continue;
    }
    inbox.consumedIds.push(message.id);
    if (message.kind === 'suspend') {
      inbox.events.push(event);
      inbox.suspended = true;
    } else if (message.kind === 'event') {
      inbox.events.push(event);
      inbox.needsInvocation = true;
    }
  }
}

export function isSuspensionMarker(event: HistoryEvent): boolean {
  return event.EventType === EventType.ExecutionSuspended || event.EventType === EventType.ExecutionResumed;
}
