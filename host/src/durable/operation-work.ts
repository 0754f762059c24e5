import { randomUUID } from 'node:crypto';
import { events } from './events';
import type { HistoryEvent } from './history';
import type { Operation } from './replay/operations';
import { isTerminal, type EpisodeCommit, type InstanceRow, type TaskHubStore } from './store';

interface OperationWork {
  event: HistoryEvent;
  apply(commit: EpisodeCommit): void;
}

/** Scheduling event and work record for one new operation. */
export function workFor(op: Operation, instance: InstanceRow, now: number, store: TaskHubStore): OperationWork {
  switch (op.kind) {
    case 'activity':
      return {
        event: events.taskScheduled(now, op.id, op.name, op.input),
        apply: (c) => c.activities.push({ taskId: op.id, name: op.name, input: op.input }),
      };
    case 'timer':
      return {
        event: events.timerCreated(now, op.id, op.fireAt ?? now),
        apply: (c) => c.timers.push({ timerId: op.id, fireAt: op.fireAt ?? now }),
      };
    case 'subOrchestration':
      return subOrchestrationWork(op, instance, now, store);
    case 'entityMessage':
      return entityWork(op, instance, now);
  }
}

function subOrchestrationWork(op: Operation, parent: InstanceRow, now: number, store: TaskHubStore): OperationWork {
  const childId = op.instanceId as string;
  const event = events.subOrchestrationCreated(now, op.id, op.name, childId, op.input);
  const existing = store.getInstance(childId);
  const conflict =
    childId === parent.instance_id || childId === parent.parent_instance_id
      ? `a sub-orchestration cannot use the instance ID '${childId}' of its own orchestration or its parent`
      : existing && !isTerminal(existing.status)
        ? `an orchestration with instance ID '${childId}' already exists and is ${existing.status}`
        : undefined;
  if (conflict) {
    const failure = events.subOrchestrationFailed(
      now,
      op.id,
      `Sub-orchestration '${op.name}' could not start: ${conflict}`,
      '',
    );
    return {
      event,
      apply: (c) =>
        c.messages.push({
          instanceId: parent.instance_id,
          executionId: parent.execution_id,
          kind: 'event',
          event: JSON.stringify(failure),
        }),
    };
  }
  const executionId = randomUUID().replace(/-/g, '');
  const parentInfo = {
    OrchestrationInstance: { InstanceId: parent.instance_id, ExecutionId: parent.execution_id },
    Name: parent.name,
    Version: parent.version,
    TaskScheduleId: op.id,
  };
  const start = events.executionStarted({
    at: now,
    name: op.name,
    version: op.version ?? '',
    input: op.input,
    instanceId: childId,
    executionId,
    parent: parentInfo,
  });
  return {
    event,
    apply: (c) =>
      c.instances.push({
        instanceId: childId,
        name: op.name,
        version: op.version ?? '',
        executionId,
        input: op.input,
        parent: { instanceId: parent.instance_id, executionId: parent.execution_id, taskId: op.id, name: parent.name },
        startEvent: JSON.stringify(start),
      }),
  };
}

function entityWork(op: Operation, instance: InstanceRow, now: number): OperationWork {
  const entity = op.entity as NonNullable<Operation['entity']>;
  const request = {
    op: op.name,
    signal: entity.signal || undefined,
    input: op.input ?? undefined,
    id: entity.requestId,
    parent: entity.signal ? undefined : instance.instance_id,
    parentExecution: entity.signal ? undefined : instance.execution_id,
    timestamp: new Date(now).toISOString(),
  };
  const requestJson = JSON.stringify(request);
  return {
    event: events.eventSent(now, op.id, entity.target, op.name, requestJson),
    apply: (c) => c.messages.push({ instanceId: entity.target, executionId: null, kind: 'entity', event: requestJson }),
  };
}
