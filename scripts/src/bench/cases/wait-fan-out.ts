import { assertCompleted, startOrchestration, waitForInstance } from '../durable-client';
import type { FixtureHostContext } from '../context';
import { loadAverage } from '../process-stats';
import { caseResult, workerThreads, type CaseResult } from '../results';
import { spread } from '../stats';

export interface WaitFanOutSize {
  activities: number;
  waitMs: number;
}

/** Runs one fan-out of activities that each wait `waitMs` and returns the wall time from start to completion. */
async function timeFanOut(ctx: FixtureHostContext, size: WaitFanOutSize): Promise<number> {
  const started = performance.now();
  const input = { count: size.activities, activity: 'wait', input: size.waitMs };
  const id = await startOrchestration(ctx.host.webhook, 'fanOut', input);
  const status = await waitForInstance(ctx.host.webhook, id, 60_000);
  const wallMs = performance.now() - started;
  assertCompleted(id, status);
  return wallMs;
}

/**
 * Parallel activities that each wait a fixed time: with no orchestration cost the fan-out takes exactly one
 * wait, so wall time over the wait is the overhead factor.
 */
export async function runWaitFanOut(ctx: FixtureHostContext, size: WaitFanOutSize): Promise<CaseResult> {
  await timeFanOut(ctx, { activities: 1, waitMs: 1 });
  const runs: { wallMs: number; load: number }[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    const load = loadAverage();
    runs.push({ wallMs: await timeFanOut(ctx, size), load });
    ctx.progress(`wait fan-out run ${run + 1}: ${runs[run].wallMs.toFixed(0)} ms`);
  }

  const wait = size.waitMs;
  return caseResult({
    id: 'wait-fan-out',
    title: `1. ${size.activities} parallel activities that each wait ${wait / 1000} s`,
    headline: { label: 'wall time / wait', unit: '', spread: spread(runs.map((r) => r.wallMs / wait)), digits: 3 },
    goal: { comparison: 'at most', value: 1.05 },
    measurements: [{ label: 'wall time', unit: 'ms', spread: spread(runs.map((r) => r.wallMs)), digits: 0 }],
    load: runs.map((r) => r.load),
    workers: ctx.workers,
    setup:
      `${size.activities} activities of ${wait} ms in one orchestration (fixture app bench-fanout, ` +
      `maxConcurrentActivityFunctions 16, ${workerThreads(ctx.workers)}), started and polled through the Durable ` +
      'HTTP API',
    details: runs,
  });
}
