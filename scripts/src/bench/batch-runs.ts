import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { DATA_CONNECTION, HOST_CONNECTION, INPUT_CONTAINER, TASK_HUB_SETTING } from '../names';
import { WORK_CONTAINER } from '../names';
import { startBenchHost, type BenchHost, type EngineCounters } from './bench-host';
import { runChildJob } from './child-job';
import type { BenchContext } from './context';
import { waitForInstance } from './durable-client';
import type { PlainJob, PlainResult } from './plain-map-reduce';
import { readProcessUsage } from './process-stats';
import { deleteBlobs } from './storage-reset';

/** Folder of the project's Function App, the default app under test. */
export function functionsAppDir(): string {
  return path.dirname(require.resolve('@fanout/functions/package.json'));
}

/** `extensions.durableTask.maxConcurrentActivityFunctions` of the app's host.json: the plain baseline's concurrency. */
export function appActivityConcurrency(appDir: string): number {
  const hostJson = JSON.parse(readFileSync(path.join(appDir, 'host.json'), 'utf8')) as {
    extensions?: { durableTask?: { maxConcurrentActivityFunctions?: number } };
  };
  const value = hostJson.extensions?.durableTask?.maxConcurrentActivityFunctions;
  if (!Number.isInteger(value)) throw new CliError(`${appDir}/host.json sets no maxConcurrentActivityFunctions`);
  return value as number;
}

/**
 * Starts the host on the Function App under test with `ctx.workers` app worker threads, wired to the bench's
 * Azurite, with its data under `workDir/<name>`.
 */
export function startFunctionsHost(ctx: BenchContext, name: string, nodeFlags?: string[]): Promise<BenchHost> {
  const connection = ctx.azurite.connectionString;
  return startBenchHost({
    appDir: ctx.appDir,
    dataDir: path.join(ctx.workDir, name),
    logFile: path.join(ctx.logDir, `${name}.log`),
    workers: ctx.workers,
    env: { [HOST_CONNECTION]: connection, [DATA_CONNECTION]: connection, [TASK_HUB_SETTING]: 'bench' },
    nodeFlags,
  });
}

/** Deletes the work blobs of earlier runs of the batch, so every run starts with the same blobs in storage. */
async function deleteRunBlobs(ctx: BenchContext, batchId: string): Promise<void> {
  await deleteBlobs(ctx.storage, WORK_CONTAINER, `${batchId}/runs/`);
}

export interface PipelineRun {
  wallMs: number;
  runId: string;
  rows: number;
  hostCpuSeconds: number;
  azuriteCpuSeconds: number;
  replayedEvents: number;
  episodes: number;
}

interface BatchOutput {
  runId?: string;
  status?: string;
  rows?: number;
}

/**
 * Starts a run of an uploaded batch with `POST /api/batches/{batchId}` and waits until the batch orchestration has
 * finished a run other than `previousRunId`. Wall time runs from the request to the completion seen by polling.
 */
export async function runPipelineBatch(
  ctx: BenchContext,
  host: BenchHost,
  batchId: string,
  previousRunId: string | undefined,
): Promise<PipelineRun> {
  await deleteRunBlobs(ctx, batchId);
  const before: EngineCounters = await host.counters();
  const hostCpu = host.usage().cpuSeconds;
  const azuriteCpu = readProcessUsage(ctx.azurite.process.pid ?? 0).cpuSeconds;
  const started = performance.now();

  const response = await fetch(`${host.url}/api/batches/${batchId}`, { method: 'POST' });
  if (response.status !== 202) {
    throw new CliError(`POST /api/batches/${batchId} returned HTTP ${response.status}: ${await response.text()}`);
  }
  const status = await waitForInstance(host.webhook, `batch-${batchId}`, 1_800_000, (s) => {
    return (s.output as BatchOutput | undefined)?.runId !== previousRunId;
  });
  const wallMs = performance.now() - started;

  const output = status.output as BatchOutput;
  if (status.runtimeStatus !== 'Completed' || output.status !== 'completed') {
    throw new CliError(`batch ${batchId} ended ${status.runtimeStatus}: ${JSON.stringify(output).slice(0, 500)}`);
  }
  const after = await host.counters();
  return {
    wallMs,
    runId: output.runId ?? '',
    rows: output.rows ?? 0,
    hostCpuSeconds: host.usage().cpuSeconds - hostCpu,
    azuriteCpuSeconds: readProcessUsage(ctx.azurite.process.pid ?? 0).cpuSeconds - azuriteCpu,
    replayedEvents: after.replayedEvents - before.replayedEvents,
    episodes: after.episodes - before.episodes,
  };
}

export interface PlainRun extends PlainResult {
  azuriteCpuSeconds: number;
}

/** Runs the plain baseline in a child process over the same uploaded batch. */
export async function runPlainBatch(
  ctx: BenchContext,
  batchId: string,
  manifest: { groupBy: string[]; metrics: string[] },
): Promise<PlainRun> {
  await deleteRunBlobs(ctx, batchId);
  const azuriteCpu = readProcessUsage(ctx.azurite.process.pid ?? 0).cpuSeconds;
  const job: PlainJob = {
    source: { kind: 'blobs', connectionString: ctx.azurite.connectionString, container: INPUT_CONTAINER, batchId },
    concurrency: appActivityConcurrency(ctx.appDir),
    appDir: ctx.appDir,
    ...manifest,
  };
  const result = await runChildJob<PlainResult>('plain-map-reduce.js', job, 1_800_000);
  return { ...result, azuriteCpuSeconds: readProcessUsage(ctx.azurite.process.pid ?? 0).cpuSeconds - azuriteCpu };
}
