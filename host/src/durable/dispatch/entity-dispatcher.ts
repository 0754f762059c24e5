import { randomUUID } from 'node:crypto';
import type { EngineContext } from '../engine-context';
import { entitySchedulerId, parseEntitySchedulerId } from '../entity-id';
import { events } from '../events';
import {
  commitEntityBatch,
  entitiesWithMessages,
  entityMessages,
  getEntity,
  type MessageRow,
  type NewMessage,
} from '../store';
import { WakeSignal } from './wake-signal';

/** Request message of an entity operation, as orchestrations and clients send it. */
interface EntityRequest {
  op: string;
  signal?: boolean;
  input?: string;
  id: string;
  parent?: string;
  parentExecution?: string;
}

interface EntityBatchResult {
  results?: { isError: boolean; result?: string }[];
  signals?: { target: { name: string; key: string }; name: string; input?: string }[];
  entityExists?: boolean;
  entityState?: string;
}

/**
 * Runs queued entity operations one batch per entity at a time, in arrival order, and sends the result of
 * each call back to the orchestration as an EventRaised named after the request id.
 * NOTE: entity locks (critical sections) are not implemented; orchestrations that use them fail.
 */
export class EntityDispatcher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly signal = new WakeSignal(() => this.pump());
  private stopped = false;

  constructor(private readonly ctx: EngineContext) {}

  wake(): void {
    if (!this.stopped) {
      this.signal.wake();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.running.values());
  }

  private pump(): void {
    const max = this.ctx.settings.maxConcurrentEntityFunctions;
    if (this.stopped) {
      return;
    }
    for (const entityId of entitiesWithMessages(this.ctx.store.db, max + this.running.size)) {
      if (this.running.size >= max) {
        break;
      }
      if (!this.running.has(entityId)) {
        const run = this.runBatch(entityId)
          .catch((error: unknown) => this.ctx.logger.error({ entityId, err: error }, 'entity batch failed'))
          .finally(() => {
            this.running.delete(entityId);
            this.wake();
          });
        this.running.set(entityId, run);
      }
    }
  }

  private async runBatch(entityId: string): Promise<void> {
    const messages = entityMessages(this.ctx.store.db, entityId, this.ctx.settings.maxEntityOperationBatchSize);
    const requests = messages.map((m) => JSON.parse(m.event) as EntityRequest);
    const { name, key } = parseEntitySchedulerId(entityId);
    const functionName = this.ctx.catalog.resolve('entity', name);
    const current = getEntity(this.ctx.store.db, entityId);
    const result = functionName
      ? await this.invoke(functionName, { name, key }, current?.exists_flag === 1, current?.state ?? null, requests)
      : { error: this.ctx.catalog.unknownMessage('entity', name) };
    if ('error' in result) {
      this.ctx.logger.warn({ entityId, functionName: name, reason: result.error }, 'entity operations failed');
    }
    const now = Date.now();
    const outgoing = this.responses(requests, result, now);
    const batch = 'error' in result ? undefined : result;
    commitEntityBatch(
      this.ctx.store.db,
      {
        entityId,
        exists: batch ? batch.entityExists === true : current?.exists_flag === 1,
        state: batch ? (batch.entityState ?? null) : (current?.state ?? null),
        consumed: messages.map((m: MessageRow) => m.id),
        messages: outgoing,
      },
      now,
    );
    if (outgoing.some((m) => m.kind === 'event')) {
      this.ctx.wake.orchestrations();
    }
  }

  private async invoke(
    functionName: string,
    self: { name: string; key: string },
    exists: boolean,
    state: string | null,
    requests: EntityRequest[],
  ): Promise<EntityBatchResult | { error: string }> {
    const batch = requests.map((r) => ({ id: r.id, name: r.op, input: r.input ?? null, isSignal: r.signal === true }));
    const payload = JSON.stringify({ self, exists, state, batch });
    try {
      const result = await this.ctx.invoker.invoke(functionName, { trigger: { string: payload } });
      if (result.error) {
        return { error: result.error.message };
      }
      const text = result.returnValue?.json ?? result.returnValue?.string;
      return text ? (JSON.parse(text) as EntityBatchResult) : { error: 'the entity function returned no result' };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  /** Builds the responses to callers and the signals the operations sent to other entities. */
  private responses(
    requests: EntityRequest[],
    result: EntityBatchResult | { error: string },
    now: number,
  ): NewMessage[] {
    const messages: NewMessage[] = [];
    requests.forEach((request, index) => {
      if (request.signal || !request.parent) {
        return;
      }
      const outcome =
        'error' in result ? { isError: true, result: JSON.stringify(result.error) } : result.results?.[index];
      const response = JSON.stringify({
        result: outcome?.result,
        exceptionType: outcome?.isError ? 'Error' : undefined,
      });
      const event = events.eventRaised(now, request.id, response);
      messages.push({
        instanceId: request.parent,
        executionId: request.parentExecution ?? null,
        kind: 'event',
        event: JSON.stringify(event),
      });
    });
    if (!('error' in result)) {
      for (const signal of result.signals ?? []) {
        const target = entitySchedulerId(signal.target.name, signal.target.key);
        const request: EntityRequest = {
          op: signal.name,
          signal: true,
          input: signal.input || undefined,
          id: randomUUID(),
        };
        messages.push({ instanceId: target, executionId: null, kind: 'entity', event: JSON.stringify(request) });
      }
    }
    return messages;
  }
}
