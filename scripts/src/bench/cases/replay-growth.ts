import type { FixtureHostContext } from '../context';
import { loadAverage } from '../process-stats';
import { caseResult, workerThreads, type CaseResult } from '../results';
import { spread } from '../stats';
import { timeTrivialFanOut, type FanOutTiming } from '../trivial-fan-out';

export interface ReplayGrowthSize {
  small: number;
  large: number;
}

interface Round {
  small: FanOutTiming;
  /** Host CPU seconds of all the small fan-outs of the round: one alone is too short for the 10 ms clock tick. */
  smallCpuSeconds: number;
  large: FanOutTiming;
  load: number;
}

/** Milliseconds of orchestration work per activity. */
const perActivity = (timing: FanOutTiming, count: number) => timing.wallMs / count;

/**
 * Orchestration overhead per activity in a large fan-out over that in a small one, both of activities that
 * return at once. A history that is replayed in full for every completion would make the ratio grow with the
 * size; batched completions keep it near 1. The small fan-out takes little time, so each round runs it
 * `large / small / 4` times (at least once) and keeps the median.
 */
export async function runReplayGrowth(ctx: FixtureHostContext, size: ReplayGrowthSize): Promise<CaseResult> {
  await timeTrivialFanOut(ctx, 1, size.small);
  const repeats = Math.max(1, Math.round(size.large / size.small / 4));
  const rounds: Round[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    const load = loadAverage();
    const smalls: FanOutTiming[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) smalls.push(await timeTrivialFanOut(ctx, 1, size.small));
    smalls.sort((a, b) => a.wallMs - b.wallMs);
    const small = smalls[Math.floor(smalls.length / 2)];
    const large = await timeTrivialFanOut(ctx, 1, size.large);
    const smallCpuSeconds = smalls.reduce((sum, timing) => sum + timing.hostCpuSeconds, 0);
    rounds.push({ small, smallCpuSeconds, large, load });
    ctx.progress(`replay growth run ${run + 1}: ${small.wallMs.toFixed(0)} ms, ${large.wallMs.toFixed(0)} ms`);
  }

  const smallMs = rounds.map((r) => perActivity(r.small, size.small));
  const largeMs = rounds.map((r) => perActivity(r.large, size.large));
  const smallCpu = rounds.map((r) => (r.smallCpuSeconds * 1000) / (repeats * size.small));
  const largeCpu = rounds.map((r) => (r.large.hostCpuSeconds * 1000) / size.large);
  const replayed = (key: 'small' | 'large', count: number) => rounds.map((r) => r[key].replayedEvents / count);
  const episodes = (key: 'small' | 'large') => rounds.map((r) => r[key].episodes);
  return caseResult({
    id: 'replay-growth',
    title: `3. Overhead per activity at ${size.large.toLocaleString('en-US')} activities over ${size.small}`,
    headline: { label: 'ratio', unit: '', spread: spread(largeMs.map((ms, i) => ms / smallMs[i])), digits: 2 },
    goal: { comparison: 'at most', value: 1.5 },
    measurements: [
      { label: `overhead per activity at ${size.small}`, unit: 'ms', spread: spread(smallMs), digits: 3 },
      { label: `overhead per activity at ${size.large}`, unit: 'ms', spread: spread(largeMs), digits: 3 },
      { label: `host CPU per activity at ${size.small}`, unit: 'ms', spread: spread(smallCpu), digits: 3 },
      { label: `host CPU per activity at ${size.large}`, unit: 'ms', spread: spread(largeCpu), digits: 3 },
      // /proc counts CPU time in 10 ms ticks, so a small fan-out in a quick run can read as 0: no ratio then.
      ...(smallCpu.every((ms) => ms > 0)
        ? [{ label: 'host CPU ratio', unit: '', spread: spread(largeCpu.map((ms, i) => ms / smallCpu[i])), digits: 2 }]
        : []),
      {
        label: `replayed events per activity at ${size.small}`,
        unit: '',
        spread: spread(replayed('small', size.small)),
      },
      {
        label: `replayed events per activity at ${size.large}`,
        unit: '',
        spread: spread(replayed('large', size.large)),
      },
      { label: `episodes at ${size.small}`, unit: '', spread: spread(episodes('small')), digits: 0 },
      { label: `episodes at ${size.large}`, unit: '', spread: spread(episodes('large')), digits: 0 },
    ],
    load: rounds.map((r) => r.load),
    workers: ctx.workers,
    setup:
      `one orchestration fanning out activities that return at once (fixture app bench-fanout, ` +
      `${workerThreads(ctx.workers)}); the ${size.small} ` +
      `fan-out runs ${repeats} times per round and the median counts; wall time over activity count`,
    details: rounds,
  });
}
