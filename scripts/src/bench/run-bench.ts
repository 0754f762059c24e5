import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startLocalStorage } from '../stack';
import { openStorage } from '../storage';
import { startBenchHost } from './bench-host';
import { startFunctionsHost } from './batch-runs';
import { runMapReduce, type MapReduceSize } from './cases/map-reduce';
import { runReplayGrowth } from './cases/replay-growth';
import { runThroughput } from './cases/throughput';
import { runWaitFanOut } from './cases/wait-fan-out';
import type { BenchContext, BenchSettings } from './context';
import { workerThreads, type CaseResult } from './results';
import type { BenchSizes } from './sizes';

export const CASE_NAMES = ['wait', 'map-reduce', 'replay', 'throughput', 'flights'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

/** App worker threads of the fixture host that runs the wait, replay and throughput cases. */
const FIXTURE_WORKERS = 1;

export interface BenchPlan {
  sizes: BenchSizes;
  cases: readonly CaseName[];
  /** App worker thread counts. The map-reduce and flights cases run once per count. */
  workers: readonly number[];
  /** The project's data folder; the bench works in `<dataDir>/bench/`. */
  dataDir: string;
  /** Function App under test in the map-reduce and flights cases. */
  appDir: string;
  /** Folder of the fixture app for the synthetic cases. */
  fixtureAppDir: string;
  progress(message: string): void;
}

/** Runs the selected cases in order and stops everything it started. */
export async function runBench(plan: BenchPlan): Promise<CaseResult[]> {
  const workDir = path.join(plan.dataDir, 'bench', `run-${process.pid}-${Date.now()}`);
  const logDir = path.join(plan.dataDir, 'bench', 'logs');
  await mkdir(workDir, { recursive: true });
  await rm(logDir, { recursive: true, force: true });
  await mkdir(logDir, { recursive: true });
  const settings: BenchSettings = {
    runs: plan.sizes.runs,
    workDir,
    logDir,
    dataDir: plan.dataDir,
    appDir: plan.appDir,
    workers: FIXTURE_WORKERS,
    progress: plan.progress,
  };
  try {
    const results = [...(await runFixtureCases(settings, plan)), ...(await runAppCases(settings, plan))];
    return results.sort((a, b) => parseInt(a.title, 10) - parseInt(b.title, 10));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Runs a storage case on its own in-memory Azurite, so no case inherits another's storage. Reads of Azurite 3.35
 * slow down as blobs accumulate. Its garbage collection, which first runs 10 minutes after start, also stalled a
 * listing of 183 blobs for 140 s here after thousands of deletions.
 */
async function withAzurite<T>(settings: BenchSettings, run: (ctx: BenchContext) => Promise<T>): Promise<T> {
  const azurite = await startLocalStorage({
    dataDir: settings.workDir,
    ports: { api: 0, blob: 0, queue: 0, table: 0 },
    inMemory: true,
  });
  try {
    return await run({ ...settings, azurite, storage: openStorage({ connectionString: azurite.connectionString }) });
  } finally {
    await azurite.stop();
  }
}

async function runFixtureCases(ctx: BenchSettings, plan: BenchPlan): Promise<CaseResult[]> {
  const selected = (name: CaseName) => plan.cases.includes(name);
  if (!selected('wait') && !selected('replay') && !selected('throughput')) return [];
  const host = await startBenchHost({
    appDir: plan.fixtureAppDir,
    workers: ctx.workers,
    dataDir: path.join(ctx.workDir, 'fixture-host'),
    logFile: path.join(ctx.logDir, 'fixture-host.log'),
  });
  const fixture = { ...ctx, host };
  const results: CaseResult[] = [];
  try {
    if (selected('wait')) results.push(await runWaitFanOut(fixture, plan.sizes.wait));
    if (selected('replay')) results.push(await runReplayGrowth(fixture, plan.sizes.replay));
    if (selected('throughput')) results.push(await runThroughput(fixture, plan.sizes.throughput));
  } finally {
    await host.stop();
  }
  return results;
}

/** Runs each app case once per worker count, the counts back to back so that they meet similar machine load. */
async function runAppCases(settings: BenchSettings, plan: BenchPlan): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const settingsWith = (workers: number) => ({ ...settings, workers });
  if (plan.cases.includes('map-reduce')) {
    for (const size of plan.sizes.mapReduce) {
      for (const workers of plan.workers) {
        results.push(await withAzurite(settingsWith(workers), (ctx) => runMapReduceOnNewHost(ctx, size)));
      }
    }
  }
  if (plan.cases.includes('flights')) {
    // Loaded on demand: the flights export imports hyparquet, an ES module that jest cannot load.
    const { runFlights } = await import('./cases/flights');
    for (const workers of plan.workers) {
      results.push(await withAzurite(settingsWith(workers), (ctx) => runFlights(ctx, plan.sizes.flightDays)));
    }
  }
  return results;
}

async function runMapReduceOnNewHost(ctx: BenchContext, size: MapReduceSize): Promise<CaseResult> {
  ctx.progress(`starting the host on ${ctx.appDir} with ${workerThreads(ctx.workers)}`);
  const host = await startFunctionsHost(ctx, `functions-host-${size.files}-workers-${ctx.workers}`);
  try {
    return await runMapReduce(ctx, host, size);
  } finally {
    await host.stop();
  }
}
