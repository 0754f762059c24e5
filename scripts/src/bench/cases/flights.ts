import type { ManifestDocument } from '../../manifest';
import { exportFlightsByDay, type FlightFiles } from '../../flights';
import { uploadBatch } from '../../upload';
import { appActivityConcurrency, runPipelineBatch, runPlainBatch, startFunctionsHost } from '../batch-runs';
import type { PipelineRun, PlainRun } from '../batch-runs';
import { runChildJob } from '../child-job';
import type { BenchContext } from '../context';
import type { DuckDbJob, DuckDbResult } from '../duckdb-aggregate';
import type { PlainJob, PlainResult } from '../plain-map-reduce';
import { loadAverage } from '../process-stats';
import { caseResult, workerThreads, type CaseResult, type Measurement } from '../results';
import { spread } from '../stats';
import path from 'node:path';

/** The demo's manifest: departure delay and distance per origin airport. */
const MANIFEST: ManifestDocument = { format: 'csv', groupBy: ['origin'], metrics: ['delay', 'distance'] };
const COLUMNS = { groupBy: ['origin'], metrics: ['delay', 'distance'] };
const QUANTILES = [0.5, 0.95, 0.99];

interface Round {
  pipeline: PipelineRun & { peakRssBytes: number };
  plainBlobs: PlainRun;
  plainFiles: PlainResult;
  duckdb: DuckDbResult;
  load: number;
}

/** Runs the pipeline on a fresh host process, so its peak resident set belongs to this run alone. */
async function runPipeline(ctx: BenchContext, batchId: string, previous?: string): Promise<Round['pipeline']> {
  const host = await startFunctionsHost(ctx, `flights-host-workers-${ctx.workers}`);
  try {
    const run = await runPipelineBatch(ctx, host, batchId, previous);
    return { ...run, peakRssBytes: host.usage().peakRssBytes };
  } finally {
    await host.stop();
  }
}

async function runReferences(ctx: BenchContext, batchId: string, files: FlightFiles) {
  const plainBlobs = await runPlainBatch(ctx, batchId, COLUMNS);
  const fileJob: PlainJob = {
    source: { kind: 'files', dir: files.dir },
    concurrency: appActivityConcurrency(ctx.appDir),
    appDir: ctx.appDir,
    ...COLUMNS,
  };
  const plainFiles = await runChildJob<PlainResult>('plain-map-reduce.js', fileJob, 1_800_000);
  const duckJob: DuckDbJob = { dir: files.dir, groupBy: 'origin', metrics: COLUMNS.metrics, quantiles: QUANTILES };
  const duckdb = await runChildJob<DuckDbResult>('duckdb-aggregate.js', duckJob, 1_800_000);
  return { plainBlobs, plainFiles, duckdb };
}

/**
 * Measures the pipeline's rows per second and peak memory on the demo's flights, one CSV file per day. The
 * references are the plain script over the same blobs, the plain script over the local files (the map work
 * alone, on one core) and DuckDB over the local files (the speed reference for the aggregation).
 */
export async function runFlights(ctx: BenchContext, days: number | undefined): Promise<CaseResult> {
  const files = await exportFlightsByDay({ cacheDir: path.join(ctx.dataDir, 'flights'), days });
  const batchId = `bench-flights-${days ?? 'all'}`;
  const upload = await uploadBatch(ctx.storage, batchId, files.files, MANIFEST);
  ctx.progress(`uploaded ${upload.files} flight files in ${upload.seconds.toFixed(1)} s`);

  let previous: string | undefined;
  const rounds: Round[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    const load = loadAverage();
    const first = run % 2 === 1 ? await runReferences(ctx, batchId, files) : undefined;
    const pipeline = await runPipeline(ctx, batchId, previous);
    previous = pipeline.runId;
    const references = first ?? (await runReferences(ctx, batchId, files));
    rounds.push({ pipeline, ...references, load });
    ctx.progress(
      `flights run ${run + 1}: pipeline ${pipeline.wallMs.toFixed(0)} ms, DuckDB ${references.duckdb.wallMs.toFixed(0)} ms`,
    );
  }
  return flightsResult(rounds, files, days, ctx.workers);
}

function flightsResult(rounds: Round[], files: FlightFiles, days: number | undefined, workers: number): CaseResult {
  const rows = rounds[0].pipeline.rows;
  const rate = (ms: number) => rows / (ms / 1000);
  const megabytes = (bytes: number) => bytes / 2 ** 20;
  const ratios = (reference: (round: Round) => number) => rounds.map((r) => r.pipeline.wallMs / reference(r));
  const measure = (label: string, unit: string, values: number[], digits = 0): Measurement => ({
    label,
    unit,
    spread: spread(values),
    digits,
  });
  return caseResult({
    id: `flights-workers-${workers}`,
    title:
      `5. The demo's ${rows.toLocaleString('en-US')} flight rows: rows per second and peak memory, ` +
      `with ${workerThreads(workers)}`,
    headline: measure(
      'pipeline rows per second',
      'rows/s',
      rounds.map((r) => rate(r.pipeline.wallMs)),
    ),
    measurements: [
      measure(
        'plain script over the blobs',
        'rows/s',
        rounds.map((r) => rate(r.plainBlobs.wallMs)),
      ),
      measure(
        'plain script over local files',
        'rows/s',
        rounds.map((r) => rate(r.plainFiles.wallMs)),
      ),
      measure(
        'DuckDB over local files',
        'rows/s',
        rounds.map((r) => rate(r.duckdb.wallMs)),
      ),
      measure(
        'pipeline over plain script over the blobs, wall time',
        '',
        ratios((r) => r.plainBlobs.wallMs),
        2,
      ),
      measure(
        'pipeline over DuckDB, wall time',
        '',
        ratios((r) => r.duckdb.wallMs),
        1,
      ),
      measure(
        'pipeline peak RSS: host process',
        'MiB',
        rounds.map((r) => megabytes(r.pipeline.peakRssBytes)),
      ),
      measure(
        'plain script peak RSS, blobs',
        'MiB',
        rounds.map((r) => megabytes(r.plainBlobs.peakRssBytes)),
      ),
      measure(
        'DuckDB peak RSS',
        'MiB',
        rounds.map((r) => megabytes(r.duckdb.peakRssBytes)),
      ),
      measure(
        'pipeline CPU: host',
        's',
        rounds.map((r) => r.pipeline.hostCpuSeconds),
        1,
      ),
      measure(
        'pipeline CPU: Azurite',
        's',
        rounds.map((r) => r.pipeline.azuriteCpuSeconds),
        1,
      ),
      measure(
        'plain script CPU, local files',
        's',
        rounds.map((r) => r.plainFiles.cpuSeconds),
        1,
      ),
      measure(
        'DuckDB CPU',
        's',
        rounds.map((r) => r.duckdb.cpuSeconds),
        1,
      ),
    ],
    load: rounds.map((r) => r.load),
    workers,
    setup:
      `${files.files.length} daily CSV files (${days ?? 'all'} days) from vega-datasets flights-3m.parquet, ` +
      `groupBy origin, metrics delay and distance; DuckDB ${rounds[0].duckdb.version} with ` +
      `${rounds[0].duckdb.threads} threads, count/sum/min/max/approx_quantile; host with ${workerThreads(workers)} (--workers ${workers}), ` +
      'restarted for each run',
    details: rounds,
  });
}
