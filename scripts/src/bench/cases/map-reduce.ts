import path from 'node:path';
import { uploadBatch } from '../../upload';
import type { BenchHost } from '../bench-host';
import {
  appActivityConcurrency,
  runPipelineBatch,
  runPlainBatch,
  type PipelineRun,
  type PlainRun,
} from '../batch-runs';
import type { BenchContext } from '../context';
import { SMALL_CSV_MANIFEST, writeSmallCsvFiles } from '../csv-batch';
import { loadAverage } from '../process-stats';
import { caseResult, workerThreads, type CaseResult } from '../results';
import { pairRatios, spread } from '../stats';

export interface MapReduceSize {
  files: number;
  rowsPerFile: number;
}

interface Round {
  pipeline: PipelineRun;
  plain: PlainRun;
  load: number;
}

const MANIFEST = { groupBy: SMALL_CSV_MANIFEST.groupBy ?? [], metrics: SMALL_CSV_MANIFEST.metrics ?? [] };

/** Generates the batch's files (cached under `<dataDir>/bench/csv/`) and uploads them with the manifest. */
async function prepareBatch(ctx: BenchContext, size: MapReduceSize, batchId: string): Promise<void> {
  const dir = path.join(ctx.dataDir, 'bench', 'csv', `${size.files}x${size.rowsPerFile}`);
  const files = await writeSmallCsvFiles(dir, size.files, size.rowsPerFile);
  const upload = await uploadBatch(ctx.storage, batchId, files, SMALL_CSV_MANIFEST);
  ctx.progress(`uploaded ${upload.files} files to input/${batchId}/ in ${upload.seconds.toFixed(1)} s`);
}

/**
 * Compares the orchestrated pipeline (the Function App on the host) with the plain baseline over the same blobs.
 * Each round runs both, in alternating order so that load drifting during the round weighs on both alike. A batch
 * of 10 files runs first to warm the host up and is not measured.
 */
export async function runMapReduce(ctx: BenchContext, host: BenchHost, size: MapReduceSize): Promise<CaseResult> {
  const warmUpSize = { files: 10, rowsPerFile: size.rowsPerFile };
  await prepareBatch(ctx, warmUpSize, 'bench-mr-warm-up');
  await runPipelineBatch(ctx, host, 'bench-mr-warm-up', undefined);

  const batchId = `bench-mr-${size.files}`;
  await prepareBatch(ctx, size, batchId);
  let previous: string | undefined;

  const rounds: Round[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    const load = loadAverage();
    let plain: PlainRun | undefined;
    if (run % 2 === 1) plain = await runPlainBatch(ctx, batchId, MANIFEST);
    const pipeline = await runPipelineBatch(ctx, host, batchId, previous);
    previous = pipeline.runId;
    plain ??= await runPlainBatch(ctx, batchId, MANIFEST);
    rounds.push({ pipeline, plain, load });
    ctx.progress(
      `map-reduce ${size.files} run ${run + 1}: ${pipeline.wallMs.toFixed(0)} ms, ${plain.wallMs.toFixed(0)} ms`,
    );
  }

  const pipelineMs = rounds.map((r) => r.pipeline.wallMs);
  const plainMs = rounds.map((r) => r.plain.wallMs);
  const cpu = (r: Round) => r.pipeline.hostCpuSeconds + r.pipeline.azuriteCpuSeconds;
  const plainCpu = (r: Round) => r.plain.cpuSeconds + r.plain.azuriteCpuSeconds;
  const files = size.files.toLocaleString('en-US');
  return caseResult({
    id: `map-reduce-${size.files}-workers-${ctx.workers}`,
    title:
      `2. Map-reduce over ${files} small CSV blobs: orchestrated pipeline over plain script, ` +
      `with ${workerThreads(ctx.workers)}`,
    headline: { label: 'wall time ratio', unit: '', spread: spread(pairRatios(pipelineMs, plainMs)) },
    goal: { comparison: 'at most', value: 1.3 },
    measurements: [
      { label: 'pipeline wall time', unit: 's', spread: spread(pipelineMs.map((ms) => ms / 1000)) },
      { label: 'plain script wall time', unit: 's', spread: spread(plainMs.map((ms) => ms / 1000)) },
      { label: 'pipeline CPU: host', unit: 's', spread: spread(rounds.map((r) => r.pipeline.hostCpuSeconds)) },
      { label: 'pipeline CPU: Azurite', unit: 's', spread: spread(rounds.map((r) => r.pipeline.azuriteCpuSeconds)) },
      { label: 'plain CPU: script', unit: 's', spread: spread(rounds.map((r) => r.plain.cpuSeconds)) },
      { label: 'plain CPU: Azurite', unit: 's', spread: spread(rounds.map((r) => r.plain.azuriteCpuSeconds)) },
      { label: 'CPU ratio, pipeline over plain', unit: '', spread: spread(rounds.map((r) => cpu(r) / plainCpu(r))) },
      {
        label: 'replayed events per file',
        unit: '',
        spread: spread(rounds.map((r) => r.pipeline.replayedEvents / size.files)),
      },
    ],
    load: rounds.map((r) => r.load),
    workers: ctx.workers,
    setup:
      `${files} CSV blobs of ${size.rowsPerFile} rows (20 groups, 2 metrics) in in-memory Azurite; pipeline started ` +
      `with POST /api/batches/{id} on a host with ${workerThreads(ctx.workers)} (--workers ${ctx.workers}); ` +
      `plain script with Promise.all over ${appActivityConcurrency(ctx.appDir)} workers ` +
      '(host.json maxConcurrentActivityFunctions), in one thread of its own process',
    details: rounds,
  });
}
