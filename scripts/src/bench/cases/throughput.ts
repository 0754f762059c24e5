import type { FixtureHostContext } from '../context';
import { loadAverage } from '../process-stats';
import { caseResult, workerThreads, type CaseResult } from '../results';
import { spread } from '../stats';
import { timeTrivialFanOut, type FanOutTiming } from '../trivial-fan-out';

export interface ThroughputSize {
  instances: number;
  activities: number;
}

/** Activities that return at once, pushed through the host by several orchestrations at the same time. */
export async function runThroughput(ctx: FixtureHostContext, size: ThroughputSize): Promise<CaseResult> {
  await timeTrivialFanOut(ctx, size.instances, Math.min(100, size.activities));
  const runs: (FanOutTiming & { load: number })[] = [];
  const total = size.instances * size.activities;
  for (let run = 0; run < ctx.runs; run++) {
    const load = loadAverage();
    runs.push({ ...(await timeTrivialFanOut(ctx, size.instances, size.activities)), load });
    ctx.progress(`throughput run ${run + 1}: ${runs[run].wallMs.toFixed(0)} ms`);
  }

  return caseResult({
    id: 'throughput',
    title: `4. Activities per second through the host`,
    headline: {
      label: 'activities per second',
      unit: '1/s',
      spread: spread(runs.map((r) => total / (r.wallMs / 1000))),
      digits: 0,
    },
    goal: { comparison: 'at least', value: 1000 },
    measurements: [
      {
        label: `wall time for ${total.toLocaleString('en-US')} activities`,
        unit: 'ms',
        spread: spread(runs.map((r) => r.wallMs)),
        digits: 0,
      },
      {
        label: 'host CPU per activity',
        unit: 'ms',
        spread: spread(runs.map((r) => (r.hostCpuSeconds * 1000) / total)),
        digits: 3,
      },
      { label: 'replayed events per activity', unit: '', spread: spread(runs.map((r) => r.replayedEvents / total)) },
      { label: 'activity result batches', unit: '', spread: spread(runs.map((r) => r.activityBatches)), digits: 0 },
    ],
    load: runs.map((r) => r.load),
    workers: ctx.workers,
    setup:
      `${size.instances} orchestrations started together, each fanning out ${size.activities} activities that ` +
      'return at once (fixture app bench-fanout, maxConcurrentActivityFunctions 16, maxConcurrentOrchestratorFunctions ' +
      `4, ${workerThreads(ctx.workers)})`,
    details: runs,
  });
}
