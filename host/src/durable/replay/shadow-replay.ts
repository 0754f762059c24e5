import { ActionType, type ActionJson, type HttpRequestJson } from '../actions';
import { EventType, type HistoryEvent } from '../history';
import { schedulingEventOf, type Operation, type OperationKind, type ReplayContext } from './operations';
import { httpTask, retryTask, timerTask } from './composite-tasks';
import { encodedInput, safeParse, UnsupportedActionError } from './replay-helpers';
import { DoneTask, EventTask, LeafTask, ShadowTask, WhenAllTask, WhenAnyTask } from './tasks';

/** Result of replaying the SDK's actions against the history of one execution. */
export interface ReplayResult {
  /** Operations allocated by this replay that have no scheduling event yet and may start now, by id. */
  newOperations: Operation[];
  /** Set when the history records an operation the current code did not schedule. */
  nonDeterminism?: string;
  /** Set when the actions could not be followed to their end, which means the replay diverged from the SDK. */
  divergence?: string;
  /** EventRaised events no waiter consumed, delivered again after continue-as-new. */
  unconsumedEvents: HistoryEvent[];
  /** Input JSON text of the ContinueAsNew action when the SDK issued one. */
  continueAsNewInput?: string | null;
  /** Number of sequence ids allocated by the execution so far. */
  allocatedIds: number;
}

const eventTypeName = (type: EventType): string => EventType[type] ?? String(type);

/**
 * Replays the actions the SDK returned against the history and allocates sequence ids in the order both DTFx
 * and durable-functions allocate them. Every recorded scheduling event is checked against the operation the
 * current code produced for that id, which is the determinism check DTFx performs.
 */
export class ShadowReplay {
  private nextId = 0;
  private currentTime = 0;
  private actionIndex = 0;
  private done = false;
  private continueAsNewInput?: string | null;
  private mismatch?: string;
  private readonly operations = new Map<number, Operation>();
  private readonly openLeaves = new Map<number, LeafTask>();
  private readonly entityWaiters = new Map<string, LeafTask>();
  private readonly eventWaiters = new Map<string, EventTask[]>();
  private readonly bufferedEvents = new Map<string, HistoryEvent[]>();

  constructor(
    private readonly actions: ActionJson[],
    readonly context: ReplayContext,
  ) {}

  /** The orchestration's current time: the latest OrchestratorStarted replayed so far. */
  get now(): number {
    return this.currentTime;
  }

  operation(id: number): Operation | undefined {
    return this.operations.get(id);
  }

  run(history: HistoryEvent[]): ReplayResult {
    let index = 0;
    for (; index < history.length && !this.done && !this.mismatch; index++) {
      this.apply(history[index]);
    }
    const unconsumedEvents = [...this.bufferedEvents.values()].flat();
    unconsumedEvents.push(...history.slice(index).filter((event) => event.EventType === EventType.EventRaised));
    return {
      newOperations: [...this.operations.values()].filter((op) => !op.recorded && op.ready).sort((a, b) => a.id - b.id),
      nonDeterminism: this.mismatch,
      divergence: this.describeDivergence(),
      unconsumedEvents,
      continueAsNewInput: this.continueAsNewInput,
      allocatedIds: this.nextId,
    };
  }

  private describeDivergence(): string | undefined {
    if (this.mismatch || this.actionIndex >= this.actions.length) {
      return undefined;
    }
    return `the engine's replay stopped at action ${this.actionIndex} of ${this.actions.length}`;
  }

  private apply(event: HistoryEvent): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        this.currentTime = Math.max(this.currentTime, Date.parse(event.Timestamp));
        break;
      case EventType.ExecutionStarted:
        this.issueNext();
        break;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.EventSent:
        this.matchScheduled(event);
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        this.complete(event.TaskScheduledId, false, event.Result);
        break;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.complete(event.TaskScheduledId, true);
        break;
      case EventType.TimerFired:
        this.complete(event.TimerId, false);
        break;
      case EventType.EventRaised:
        this.raise(event);
        break;
      default:
        break;
    }
  }

  private matchScheduled(event: HistoryEvent): void {
    const op = this.operations.get(event.EventId);
    const recordedName = event.EventType === EventType.TimerCreated ? '' : (event.Name ?? '');
    const expected = op && schedulingEventOf[op.kind] === event.EventType;
    const sameName = op && (op.kind === 'timer' || op.name.toLowerCase() === recordedName.toLowerCase());
    if (!op || op.recorded || !expected || !sameName) {
      const found = op ? `${eventTypeName(schedulingEventOf[op.kind])} '${op.name}'` : 'no operation';
      const what = recordedName ? ` '${recordedName}'` : '';
      this.mismatch =
        `Non-deterministic workflow detected: the history has ${eventTypeName(event.EventType)}${what} with ` +
        `sequence id ${event.EventId}, but the current orchestrator code scheduled ${found} for that id. ` +
        'Orchestrator code must make the same calls in the same order on every replay; start a new instance ' +
        'to run changed code.';
      return;
    }
    op.recorded = true;
    if (op.entity && event.Input) {
      const requestId = (JSON.parse(event.Input) as { id?: string }).id;
      const waiter = [...this.entityWaiters.entries()].find(([, leaf]) => leaf.id === op.id);
      if (waiter && requestId) {
        this.entityWaiters.delete(waiter[0]);
        this.entityWaiters.set(requestId, waiter[1]);
        op.entity.requestId = requestId;
      }
    }
  }

  private complete(id: number | undefined, failed: boolean, result?: string | null): void {
    const leaf = id === undefined ? undefined : this.openLeaves.get(id);
    if (!leaf) {
      return;
    }
    this.openLeaves.delete(leaf.id);
    if (!failed && typeof result === 'string') {
      leaf.result = safeParse(result);
    }
    leaf.settle(failed);
  }

  private raise(event: HistoryEvent): void {
    const name = event.Name ?? '';
    const entityCall = this.entityWaiters.get(name);
    if (entityCall) {
      this.entityWaiters.delete(name);
      entityCall.settle(false);
      return;
    }
    const waiters = this.eventWaiters.get(name);
    const waiter = waiters?.pop();
    if (waiter) {
      waiter.settle(false);
      return;
    }
    const buffer = this.bufferedEvents.get(name) ?? [];
    buffer.push(event);
    this.bufferedEvents.set(name, buffer);
  }

  private issueNext(): void {
    while (this.actionIndex < this.actions.length && !this.done) {
      const task = this.issue(this.actions[this.actionIndex++]);
      if (!task.settled) {
        task.onSettled = () => this.issueNext();
        return;
      }
    }
  }

  private issue(action: ActionJson): ShadowTask {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.activityLeaf(action);
      case ActionType.CallActivityWithRetry:
        return retryTask(this, action.retryOptions, () => this.activityLeaf(action));
      case ActionType.CallSubOrchestrator:
        return this.subOrchestrationLeaf(action);
      case ActionType.CallSubOrchestratorWithRetry:
        return retryTask(this, action.retryOptions, () => this.subOrchestrationLeaf(action));
      case ActionType.ContinueAsNew:
        this.done = true;
        this.continueAsNewInput = encodedInput(action.input, true);
        return new DoneTask();
      case ActionType.CreateTimer:
        return timerTask(this, Date.parse(action.fireAt ?? ''));
      case ActionType.WaitForExternalEvent:
        return this.eventTask(action.externalEventName ?? '');
      case ActionType.CallHttp:
        return httpTask(this, action.httpRequest as HttpRequestJson);
      case ActionType.CallEntity:
      case ActionType.SignalEntity:
        return this.entityTask(action);
      case ActionType.WhenAll:
      case ActionType.WhenAny:
        return this.compoundTask(action);
      default:
        throw new UnsupportedActionError(action.actionType);
    }
  }

  private compoundTask(action: ActionJson): ShadowTask {
    const task = action.actionType === ActionType.WhenAll ? new WhenAllTask() : new WhenAnyTask();
    for (const child of action.compoundActions ?? []) {
      task.add(this.issue(child));
    }
    task.evaluate();
    return task;
  }

  private allocate(kind: OperationKind, name: string, details: Partial<Operation> = {}): LeafTask {
    const op: Operation = { id: this.nextId++, kind, name, recorded: false, ready: true, input: null, ...details };
    this.operations.set(op.id, op);
    const leaf = new LeafTask(op.id);
    this.openLeaves.set(op.id, leaf);
    return leaf;
  }

  private activityLeaf(action: ActionJson): LeafTask {
    return this.allocate('activity', action.functionName ?? '', { input: encodedInput(action.input, true) });
  }

  private subOrchestrationLeaf(action: ActionJson): LeafTask {
    const id = this.nextId;
    return this.allocate('subOrchestration', action.functionName ?? '', {
      input: encodedInput(action.input, false),
      instanceId: action.instanceId || `${this.context.executionId}:${id}`,
      version: action.version ?? '',
    });
  }

  timerLeaf(fireAt: number): LeafTask {
    return this.allocate('timer', '', { fireAt });
  }

  private eventTask(name: string): ShadowTask {
    const task = new EventTask(name);
    const buffered = this.bufferedEvents.get(name);
    if (buffered && buffered.length > 0) {
      buffered.shift();
      if (buffered.length === 0) {
        this.bufferedEvents.delete(name);
      }
      task.settle(false);
      return task;
    }
    const waiters = this.eventWaiters.get(name) ?? [];
    waiters.push(task);
    this.eventWaiters.set(name, waiters);
    return task;
  }

  httpLeaf(request: HttpRequestJson, ready: boolean): LeafTask {
    const leaf = this.allocate('activity', 'BuiltIn::HttpActivity', { http: request, input: JSON.stringify(request) });
    (this.operations.get(leaf.id) as Operation).ready = ready;
    return leaf;
  }

  private entityTask(action: ActionJson): ShadowTask {
    const signal = action.actionType === ActionType.SignalEntity;
    const requestId = this.context.newRequestId();
    const leaf = this.allocate('entityMessage', action.operation ?? '', {
      input: encodedInput(action.input, false),
      entity: { target: action.instanceId ?? '', signal, requestId },
    });
    if (signal) {
      this.openLeaves.delete(leaf.id);
      return new DoneTask();
    }
    this.entityWaiters.set(requestId, leaf);
    return leaf;
  }
}

export { encodedInput, UnsupportedActionError };
