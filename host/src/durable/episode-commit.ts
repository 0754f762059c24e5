import { randomUUID } from 'node:crypto';
import { workFor } from './operation-work';
import type { EpisodeDecision } from './episode-decision';
import { events } from './events';
import { OrchestrationStatusCode, type HistoryEvent } from './history';
import { isTerminal, type EpisodeCommit, type InstanceRow, type NewMessage, type TaskHubStore } from './store';

/** A commit with the history events it appends (parsed), so the cache can be extended after it lands. */
export interface BuiltCommit {
  commit: EpisodeCommit;
  appended: HistoryEvent[];
}

function emptyCommit(instance: InstanceRow, consumed: number[], now: number): EpisodeCommit {
  return {
    instanceId: instance.instance_id,
    executionId: instance.execution_id,
    consumedMessageIds: consumed,
    appendEvents: [],
    update: {
      status: instance.status,
      output: instance.output,
      customStatus: instance.custom_status,
      failureDetails: instance.failure_details,
      completedAt: instance.completed_at,
    },
    activities: [],
    timers: [],
    instances: [],
    messages: [],
    releaseWork: 'none',
    now,
  };
}

/** Builds the message that reports to a parent orchestration how its sub-orchestration ended. */
export function parentNotification(
  instance: InstanceRow,
  now: number,
  outcome: { output: string } | { reason: string; details: string },
): NewMessage[] {
  if (!instance.parent_instance_id || instance.parent_task_id === null) {
    return [];
  }
  const event =
    'output' in outcome
      ? events.subOrchestrationCompleted(now, instance.parent_task_id, outcome.output)
      : events.subOrchestrationFailed(now, instance.parent_task_id, outcome.reason, outcome.details);
  return [
    {
      instanceId: instance.parent_instance_id,
      executionId: instance.parent_execution_id,
      kind: 'event',
      event: JSON.stringify(event),
    },
  ];
}

/** Commit for an episode that only records suspension markers (no orchestrator invocation). */
export function markerCommit(
  instance: InstanceRow,
  consumed: number[],
  markers: HistoryEvent[],
  suspended: boolean,
  now: number,
): BuiltCommit {
  const commit = emptyCommit(instance, consumed, now);
  commit.appendEvents = markers.map((e) => JSON.stringify({ ...e, IsPlayed: true }));
  if (!isTerminal(instance.status)) {
    const wasSuspended = instance.status === 'Suspended';
    if (suspended) {
      commit.update.status = 'Suspended';
    } else if (wasSuspended) {
      commit.update.status = 'Running';
    }
  }
  return { commit, appended: markers };
}

/** Commit for a terminate request: the execution ends as Terminated and its pending work is abandoned. */
export function terminateCommit(
  instance: InstanceRow,
  consumed: number[],
  terminated: HistoryEvent,
  now: number,
): BuiltCommit {
  const commit = emptyCommit(instance, consumed, now);
  const reason = terminated.Input ?? '';
  const appended = [terminated, events.executionCompleted(now, -1, OrchestrationStatusCode.Terminated, reason)];
  commit.appendEvents = appended.map((e) => JSON.stringify({ ...e, IsPlayed: true }));
  commit.update = { ...commit.update, status: 'Terminated', output: reason, completedAt: now };
  commit.releaseWork = 'all';
  commit.messages = parentNotification(instance, now, { reason, details: '' });
  return { commit, appended };
}

/** Builds the commit of an episode that invoked the orchestrator. */
export function decisionCommit(
  instance: InstanceRow,
  consumed: number[],
  delivered: HistoryEvent[],
  decision: EpisodeDecision,
  suspended: boolean,
  now: number,
  store: TaskHubStore,
): BuiltCommit {
  const commit = emptyCommit(instance, consumed, now);
  const appended = [...delivered];
  const ending = decision.kind !== 'waiting';
  for (const op of decision.operations) {
    const work = workFor(op, instance, now, store);
    appended.push(work.event);
    if (!(ending && op.kind === 'timer')) {
      work.apply(commit);
    }
  }
  commit.update.customStatus = decision.customStatus;
  applyEnding(commit, appended, instance, decision, suspended, now);
  appended.push(events.orchestratorCompleted(now));
  if (decision.kind === 'continuedAsNew') {
    commit.appendEvents = [];
    return { commit, appended: [] };
  }
  commit.appendEvents = appended.map((e) => JSON.stringify({ ...e, IsPlayed: true }));
  return { commit, appended };
}

function applyEnding(
  commit: EpisodeCommit,
  appended: HistoryEvent[],
  instance: InstanceRow,
  decision: EpisodeDecision,
  suspended: boolean,
  now: number,
): void {
  switch (decision.kind) {
    case 'waiting':
      commit.update.status = suspended ? 'Suspended' : 'Running';
      return;
    case 'completed':
      appended.push(
        events.executionCompleted(now, decision.nextId, OrchestrationStatusCode.Completed, decision.output),
      );
      commit.update = {
        ...commit.update,
        status: 'Completed',
        output: decision.output,
        completedAt: now,
        failureDetails: null,
      };
      commit.releaseWork = 'timers';
      commit.messages.push(...parentNotification(instance, now, { output: decision.output }));
      return;
    case 'failed':
      appended.push(events.executionCompleted(now, decision.nextId, OrchestrationStatusCode.Failed, decision.reason));
      commit.update = {
        ...commit.update,
        status: 'Failed',
        output: decision.reason,
        completedAt: now,
        failureDetails: JSON.stringify({ reason: decision.reason, details: decision.details }),
      };
      commit.releaseWork = 'timers';
      commit.messages.push(...parentNotification(instance, now, decision));
      return;
    case 'continuedAsNew':
      continueAsNew(commit, instance, decision, now);
      return;
  }
}

function continueAsNew(
  commit: EpisodeCommit,
  instance: InstanceRow,
  decision: Extract<EpisodeDecision, { kind: 'continuedAsNew' }>,
  now: number,
): void {
  const executionId = randomUUID().replace(/-/g, '');
  const parent = instance.parent_instance_id
    ? {
        OrchestrationInstance: {
          InstanceId: instance.parent_instance_id,
          ExecutionId: instance.parent_execution_id ?? '',
        },
        Name: instance.parent_name ?? '',
        Version: '',
        TaskScheduleId: instance.parent_task_id ?? -1,
      }
    : null;
  const start = events.executionStarted({
    at: now,
    name: instance.name,
    version: instance.version,
    input: decision.input,
    instanceId: instance.instance_id,
    executionId,
    parent,
  });
  commit.update = {
    ...commit.update,
    status: 'ContinuedAsNew',
    output: null,
    completedAt: null,
    nextExecution: { executionId, input: decision.input, createdAt: now },
  };
  commit.releaseWork = 'timers';
  commit.messages.push({ instanceId: instance.instance_id, executionId, kind: 'event', event: JSON.stringify(start) });
  for (const event of decision.carriedEvents) {
    commit.messages.push({
      instanceId: instance.instance_id,
      executionId: null,
      kind: 'event',
      event: JSON.stringify(event),
    });
  }
}
