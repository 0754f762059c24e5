import { randomUUID } from 'node:crypto';
import type { EngineContext } from './engine-context';
import { BadRequestError, ConflictError, NotFoundError } from './errors';
import { events } from './events';
import { EventType, type HistoryEvent } from './history';
import { instanceIdsMatching, isTerminal, type InstanceFilter, type InstanceRow, type MessageKind } from './store';

/** Rules for instance ids given by callers, as the extension enforces them. */
function validateInstanceId(instanceId: string): void {
  if (instanceId.length === 0 || instanceId.length > 256) {
    throw new BadRequestError(`Invalid instance ID '${instanceId}': use 1 to 256 characters.`);
  }
  const hasControlCharacter = [...instanceId].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (instanceId.startsWith('@') || /[/\\#?]/.test(instanceId) || hasControlCharacter) {
    throw new BadRequestError(
      `Invalid instance ID '${instanceId}': it must not start with '@' nor contain '/', '\\', '#', '?' or control characters.`,
    );
  }
}

function newInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Client operations on instances: start, events, terminate, suspend, resume, rewind, purge. */
export class InstanceManager {
  constructor(private readonly ctx: EngineContext) {}

  private require(instanceId: string): InstanceRow {
    const instance = this.ctx.store.getInstance(instanceId);
    if (!instance) {
      throw new NotFoundError(`No instance with ID '${instanceId}' was found.`);
    }
    return instance;
  }

  /** Starts an orchestration; the input is JSON text or null. Returns the instance id. */
  start(functionName: string, instanceId: string | undefined, input: string | null, requestedVersion = ''): string {
    const version = requestedVersion || this.ctx.settings.defaultVersion;
    const name = this.ctx.catalog.resolve('orchestration', functionName);
    if (!name) {
      throw new BadRequestError(this.ctx.catalog.unknownMessage('orchestration', functionName));
    }
    const id = instanceId ?? newInstanceId();
    validateInstanceId(id);
    const existing = this.ctx.store.getInstance(id);
    if (existing && !isTerminal(existing.status) && !this.ctx.settings.overrideRunningInstances) {
      throw new ConflictError(
        `An instance with ID '${id}' already exists and is ${existing.status}. Wait for it to finish, terminate it, ` +
          'or set extensions.durableTask.overridableExistingInstanceStates to AnyState.',
        409,
      );
    }
    const now = Date.now();
    const executionId = newInstanceId();
    const startEvent = events.executionStarted({
      at: now,
      name,
      version,
      input,
      instanceId: id,
      executionId,
      parent: null,
    });
    this.ctx.cache.forget(id);
    this.ctx.store.createInstance(
      { instanceId: id, name, version, executionId, input, startEvent: JSON.stringify(startEvent) },
      now,
    );
    this.ctx.logger.info({ instanceId: id, functionName: name }, 'orchestration scheduled');
    this.ctx.wake.orchestrations();
    return id;
  }

  raiseEvent(instanceId: string, eventName: string, data: string | null): void {
    this.requireRunning(instanceId, 'raise an event');
    this.enqueue(instanceId, 'event', events.eventRaised(Date.now(), eventName, data));
  }

  terminate(instanceId: string, reason: string): void {
    this.requireRunning(instanceId, 'terminate');
    this.enqueue(instanceId, 'terminate', events.executionTerminated(Date.now(), reason));
  }

  suspend(instanceId: string, reason: string): void {
    const instance = this.requireRunning(instanceId, 'suspend');
    if (instance.status === 'Suspended') {
      throw new ConflictError(`Instance '${instanceId}' is already suspended.`, 409);
    }
    this.enqueue(instanceId, 'suspend', events.suspension(Date.now(), true, reason));
  }

  resume(instanceId: string, reason: string): void {
    const instance = this.requireRunning(instanceId, 'resume');
    const suspendQueued = this.ctx.store.messagesOf(instanceId).some((m) => m.kind === 'suspend');
    if (instance.status !== 'Suspended' && !suspendQueued) {
      throw new ConflictError(`Instance '${instanceId}' is ${instance.status}, not suspended.`, 409);
    }
    this.enqueue(instanceId, 'resume', events.suspension(Date.now(), false, reason));
  }

  private requireRunning(instanceId: string, operation: string): InstanceRow {
    const instance = this.require(instanceId);
    if (isTerminal(instance.status)) {
      throw new ConflictError(`Cannot ${operation}: instance '${instanceId}' is already ${instance.status}.`, 410);
    }
    return instance;
  }

  private enqueue(instanceId: string, kind: MessageKind, event: HistoryEvent): void {
    this.ctx.store.enqueueMessages([{ instanceId, executionId: null, kind, event: JSON.stringify(event) }], Date.now());
    this.ctx.wake.orchestrations();
  }

  /**
   * Rewinds a failed instance: drops the failure and the failed activity results from the history and
   * runs those activities again, so the orchestration continues from where it failed.
   * NOTE: failed sub-orchestrations are not rewound, and an activity whose retries were exhausted leaves
   * retry timers in the history that the replay no longer expects, so such a rewind fails again.
   */
  rewind(instanceId: string, reason: string): void {
    const instance = this.require(instanceId);
    if (instance.status !== 'Failed') {
      const status = isTerminal(instance.status) ? 410 : 409;
      throw new ConflictError(
        `Cannot rewind instance '${instanceId}': only Failed instances can be rewound, it is ${instance.status}.`,
        status,
      );
    }
    const history = this.ctx.store.historyOf(instanceId).map((json) => JSON.parse(json) as HistoryEvent);
    const failedIds = new Set(
      history.filter((e) => e.EventType === EventType.TaskFailed).map((e) => e.TaskScheduledId),
    );
    const kept = history.filter(
      (e) => e.EventType !== EventType.TaskFailed && !(e.EventType === EventType.ExecutionCompleted),
    );
    const retried = kept.filter((e) => e.EventType === EventType.TaskScheduled && failedIds.has(e.EventId));
    this.ctx.cache.forget(instanceId);
    this.ctx.store.rewind(
      instance,
      kept.map((e) => JSON.stringify({ ...e, IsPlayed: true })),
      retried,
      Date.now(),
    );
    this.ctx.logger.info({ instanceId, reason, activities: retried.length }, 'orchestration rewound');
    this.ctx.wake.activities();
    this.ctx.wake.orchestrations();
  }

  purge(instanceId: string): void {
    this.require(instanceId);
    this.ctx.cache.forget(instanceId);
    this.ctx.store.purgeInstance(instanceId);
  }

  purgeMatching(filter: InstanceFilter): number {
    const ids = instanceIdsMatching(this.ctx.store.db, filter);
    for (const id of ids) {
      this.ctx.cache.forget(id);
      this.ctx.store.purgeInstance(id);
    }
    return ids.length;
  }

  /** Starts the orchestrator of an existing instance again with its original input. */
  restart(instanceId: string, newId: boolean): string {
    const instance = this.require(instanceId);
    return this.start(instance.name, newId ? undefined : instanceId, instance.input, instance.version);
  }
}
