import { BlobServiceClient } from '@azure/storage-blob';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MANIFEST_BLOB_NAME, RESULTS_CONTAINER } from '../names';
import { loadPipeline, type Partial } from './pipeline-module';
import { ownCpuSeconds } from './process-stats';

/**
 * The plain baseline: the same listing, reads, per-file `mapStream` and `mergeAll` as the orchestrated pipeline,
 * with `Promise.all` over a fixed number of workers instead of activities. It runs as a child process with one
 * JSON argument (`PlainJob`) and prints one JSON line (`PlainResult`).
 */
export interface PlainJob {
  /** Read blobs under `input/<batchId>/` of this storage, or the files of a local folder. */
  source:
    { kind: 'blobs'; connectionString: string; container: string; batchId: string } | { kind: 'files'; dir: string };
  concurrency: number;
  /** Function App whose compiled pipeline maps and merges. @default the project's `functions/` */
  appDir?: string;
  groupBy: string[];
  metrics: string[];
}

export interface PlainResult {
  wallMs: number;
  files: number;
  rows: number;
  groups: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

interface SourceFile {
  name: string;
  open(): Promise<{ stream: Readable; bytes?: number }>;
}

async function listBlobs(job: Extract<PlainJob['source'], { kind: 'blobs' }>): Promise<SourceFile[]> {
  const container = BlobServiceClient.fromConnectionString(job.connectionString).getContainerClient(job.container);
  const prefix = `${job.batchId}/`;
  const files: SourceFile[] = [];
  for await (const blob of container.listBlobsFlat({ prefix })) {
    const name = blob.name.slice(prefix.length);
    if (name === MANIFEST_BLOB_NAME) continue;
    files.push({
      name,
      open: async () => {
        const download = await container.getBlobClient(blob.name).download();
        if (!download.readableStreamBody) throw new Error(`download of ${blob.name} returned no body`);
        return { stream: download.readableStreamBody as Readable, bytes: download.contentLength };
      },
    });
  }
  return files;
}

async function listFiles(dir: string): Promise<SourceFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.csv')).sort();
  return names.map((name) => ({
    name,
    open: async () => {
      const file = path.join(dir, name);
      return { stream: createReadStream(file), bytes: (await stat(file)).size };
    },
  }));
}

async function writeSummary(job: PlainJob, summary: unknown): Promise<void> {
  if (job.source.kind !== 'blobs') return;
  const results = BlobServiceClient.fromConnectionString(job.source.connectionString).getContainerClient(
    RESULTS_CONTAINER,
  );
  const body = JSON.stringify(summary);
  await results.getBlockBlobClient(`${job.source.batchId}/plain-summary.json`).upload(body, Buffer.byteLength(body));
}

/** Lists, maps every file with at most `concurrency` in flight, merges, summarizes and writes the summary. */
export async function runPlain(job: PlainJob): Promise<PlainResult> {
  const pipeline = loadPipeline(job.appDir);
  const cpuBefore = ownCpuSeconds();
  const started = performance.now();

  const files = job.source.kind === 'blobs' ? await listBlobs(job.source) : await listFiles(job.source.dir);
  const partials: Partial[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < files.length; index = next++) {
      const { stream, bytes } = await files[index].open();
      const options = {
        fileName: files[index].name,
        format: 'csv' as const,
        groupBy: job.groupBy,
        metrics: job.metrics,
        bytes,
      };
      const result = await pipeline.mapStream(stream, options);
      if (!result.ok) throw new Error(`mapping ${files[index].name} failed: ${result.error.message}`);
      partials[index] = result.partial;
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, files.length) }, worker));

  const merged = pipeline.mergeAll(partials);
  const summary = pipeline.summarize(merged, { metrics: job.metrics, quantiles: [...pipeline.DEFAULT_QUANTILES] });
  await writeSummary(job, { input: { blobs: merged.files, rows: merged.rows }, groups: summary.groups });

  return {
    wallMs: performance.now() - started,
    files: merged.files,
    rows: merged.rows,
    groups: summary.groups.length,
    cpuSeconds: ownCpuSeconds() - cpuBefore,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

if (require.main === module) {
  runPlain(JSON.parse(process.argv[2]) as PlainJob).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
