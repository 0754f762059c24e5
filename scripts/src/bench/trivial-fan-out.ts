import type { EngineCounters } from './bench-host';
import type { FixtureHostContext } from './context';
import { assertCompleted, startOrchestration, waitForInstance } from './durable-client';

export interface FanOutTiming {
  wallMs: number;
  /** Change of the engine counters over the run. */
  replayedEvents: number;
  episodes: number;
  activityBatches: number;
  /** CPU seconds the host process used during the run. */
  hostCpuSeconds: number;
}

/**
 * Starts `instances` orchestrations at once, each fanning out `activities` activities that return at once, and
 * waits for all of them. Wall time runs from the first start request to the last completion seen.
 */
export async function timeTrivialFanOut(
  ctx: FixtureHostContext,
  instances: number,
  activities: number,
): Promise<FanOutTiming> {
  const before: EngineCounters = await ctx.host.counters();
  const cpuBefore = ctx.host.usage().cpuSeconds;
  const started = performance.now();

  const input = { count: activities, activity: 'noop', input: null };
  const ids = await Promise.all(
    Array.from({ length: instances }, () => startOrchestration(ctx.host.webhook, 'fanOut', input)),
  );
  for (const id of ids) {
    assertCompleted(id, await waitForInstance(ctx.host.webhook, id, 600_000));
  }
  const wallMs = performance.now() - started;

  const after = await ctx.host.counters();
  return {
    wallMs,
    replayedEvents: after.replayedEvents - before.replayedEvents,
    episodes: after.episodes - before.episodes,
    activityBatches: after.activityBatches - before.activityBatches,
    hostCpuSeconds: ctx.host.usage().cpuSeconds - cpuBefore,
  };
}
