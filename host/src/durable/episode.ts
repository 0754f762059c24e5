import { randomUUID } from 'node:crypto';
import type { InvocationResult } from '../contracts';
import type { EngineContext } from './engine-context';
import { decideEpisode, type EpisodeDecision } from './episode-decision';
import { decisionCommit, markerCommit, terminateCommit, type BuiltCommit } from './episode-commit';
import { events, unplayedJson } from './events';
import type { CachedHistory } from './history-cache';
import { EventType, type HistoryEvent } from './history';
import { takeInbox, type Inbox } from './inbox';
import { decodeOrchestratorState } from './orchestrator-state';
import { buildOrchestrationPayload } from './payload';
import type { InstanceRow } from './store';

/** Episode time: now, but never before the last episode nor before a timer being delivered fired. */
function episodeTime(played: HistoryEvent[], delivered: HistoryEvent[]): number {
  let time = Date.now();
  for (let i = played.length - 1; i >= 0; i--) {
    if (played[i].EventType === EventType.OrchestratorStarted) {
      time = Math.max(time, Date.parse(played[i].Timestamp));
      break;
    }
  }
  for (const event of delivered) {
    if (event.EventType === EventType.TimerFired && event.FireAt) {
      time = Math.max(time, Date.parse(event.FireAt));
    }
  }
  return time;
}

/**
 * Runs one episode of one instance: takes its queued messages, invokes the orchestrator with the history,
 * decides the outcome and commits everything in one transaction.
 */
export async function runEpisode(ctx: EngineContext, instanceId: string): Promise<void> {
  const instance = ctx.store.getInstance(instanceId);
  if (!instance) {
    ctx.store.dropMessagesOfFinishedInstances();
    return;
  }
  const inbox = takeInbox(instance, ctx.store.messagesOf(instanceId));
  const now = Date.now();
  if (inbox.terminate) {
    ctx.metrics.controlEpisodes++;
    commit(ctx, instance, terminateCommit(instance, inbox.consumedIds, inbox.terminate, now));
    return;
  }
  if (!inbox.needsInvocation) {
    ctx.metrics.controlEpisodes++;
    if (inbox.consumedIds.length > 0) {
      commit(ctx, instance, markerCommit(instance, inbox.consumedIds, inbox.events, inbox.suspended, now));
    }
    return;
  }
  await invokeEpisode(ctx, instance, inbox);
}

async function invokeEpisode(ctx: EngineContext, instance: InstanceRow, inbox: Inbox): Promise<void> {
  const history = ctx.cache.get(instance.instance_id, instance.execution_id, instance.history_length);
  const now = episodeTime(history.events, inbox.events);
  const delivered = [events.orchestratorStarted(now), ...inbox.events];
  const payload = buildOrchestrationPayload(
    {
      playedJson: history.json,
      newJsons: delivered.map(unplayedJson),
      input: instance.input,
      instanceId: instance.instance_id,
      parentInstanceId: instance.parent_instance_id,
    },
    ctx.settings,
  );
  ctx.metrics.replayedEvents += history.events.length + delivered.length;
  ctx.metrics.episodes++;
  const started = Date.now();
  const result = await invokeOrchestrator(ctx, instance.name, payload);
  const decision = decideEpisode({
    orchestratorName: instance.name,
    decoded: decodeOrchestratorState(result),
    history: history.events.concat(delivered),
    previousCustomStatus: instance.custom_status,
    replayContext: {
      executionId: instance.execution_id,
      maximumShortTimerDurationMs: ctx.settings.maximumShortTimerDurationMs,
      longRunningTimerIntervalMs: ctx.settings.longRunningTimerIntervalMs,
      defaultAsyncRequestSleepTimeMs: ctx.settings.defaultAsyncRequestSleepTimeMs,
      newRequestId: randomUUID,
    },
    settings: ctx.settings,
    catalog: ctx.catalog,
  });
  logDecision(ctx, instance, decision, Date.now() - started, history.events.length + delivered.length);
  const built = decisionCommit(instance, inbox.consumedIds, delivered, decision, inbox.suspended, now, ctx.store);
  commit(ctx, instance, built, history);
}

async function invokeOrchestrator(ctx: EngineContext, name: string, payload: string): Promise<InvocationResult> {
  if (!ctx.catalog.resolve('orchestration', name)) {
    return { invocationId: '', outputData: {}, error: { message: ctx.catalog.unknownMessage('orchestration', name) } };
  }
  try {
    return await ctx.invoker.invoke(name, { trigger: { string: payload } });
  } catch (error) {
    return { invocationId: '', outputData: {}, error: { message: (error as Error).message ?? String(error) } };
  }
}

function logDecision(
  ctx: EngineContext,
  instance: InstanceRow,
  decision: EpisodeDecision,
  durationMs: number,
  events: number,
): void {
  const fields = {
    instanceId: instance.instance_id,
    functionName: instance.name,
    outcome: decision.kind,
    newOperations: decision.operations.length,
    historyEvents: events,
    durationMs,
  };
  if (decision.kind === 'failed') {
    ctx.logger.warn({ ...fields, reason: decision.reason }, 'orchestration failed');
  } else if (decision.kind === 'completed') {
    ctx.logger.info(fields, 'orchestration completed');
  } else if (decision.kind === 'continuedAsNew') {
    ctx.logger.info(fields, 'orchestration continued as new');
  } else {
    ctx.logger.debug(fields, 'orchestration episode finished');
  }
}

function commit(ctx: EngineContext, instance: InstanceRow, built: BuiltCommit, history?: CachedHistory): void {
  const { commit: change } = built;
  const applied = ctx.store.commitEpisode(change);
  if (!applied) {
    ctx.cache.forget(instance.instance_id);
    ctx.logger.info({ instanceId: instance.instance_id }, 'episode discarded because the instance was replaced');
    return;
  }
  if (history && !change.update.nextExecution) {
    ctx.cache.append(instance.instance_id, history, built.appended, change.appendEvents);
  } else {
    ctx.cache.forget(instance.instance_id);
  }
  if (change.activities.length > 0) {
    ctx.wake.activities();
  }
  if (change.timers.length > 0) {
    ctx.wake.timers();
  }
  if (change.messages.some((m) => m.kind === 'entity')) {
    ctx.wake.entities();
  }
  if (change.messages.length > 0 || change.instances.length > 0) {
    ctx.wake.orchestrations();
  }
}
