import { Manifest } from '../pipeline/types';
import { containerClient, readJson, writeJson } from '../storage/blobs';
import { WORK_CONTAINER } from '../settings';
import { workBlob } from './paths';

/** The parsed manifest a run uses, stored once per run so every activity reads the same one. */
export interface RunManifest {
  manifest: Manifest;
  manifestEtag?: string;
  /** Files of the whole batch, including those a redrive takes from its base run. */
  total: number;
}

/** One chunk's slice of the run's file list. */
export interface ChunkFiles {
  start: number;
  files: string[];
  /** Offset into `files` of each map group's first file. Lists written before grouping have none. */
  groups?: number[];
}

/** Run blobs never change after they are written, so each process caches what it read; bounded by `MAX_CACHED`. */
const MAX_CACHED = 200;
const cache = new Map<string, Promise<unknown>>();

function cached<T>(name: string, load: () => Promise<T>): Promise<T> {
  let entry = cache.get(name) as Promise<T> | undefined;
  if (!entry) {
    entry = load();
    entry.catch(() => cache.delete(name));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(name, entry);
  }
  return entry;
}

async function readRequired<T>(name: string): Promise<T> {
  const value = await readJson<T>(WORK_CONTAINER, name);
  if (value === undefined)
    throw new Error(`Work blob ${WORK_CONTAINER}/${name} is missing: the run's listing did not complete`);
  return value;
}

/**
 * Lists the blobs of run `runId` that a redrive based on it reads (its manifest and merged partial) and that do not
 * exist. Checks the container, not this process's cache, because the work container's lifecycle rule deletes them.
 */
export async function findMissingRedriveBaseBlobs(batchId: string, runId: string): Promise<string[]> {
  const container = await containerClient(WORK_CONTAINER);
  const names = [workBlob.manifest(batchId, runId), workBlob.merged(batchId, runId)];
  const exists = await Promise.all(names.map((name) => container.getBlobClient(name).exists()));
  return names.filter((_name, index) => !exists[index]).map((name) => `${WORK_CONTAINER}/${name}`);
}

/** Error message of a redrive whose base run lost the blobs that `findMissingRedriveBaseBlobs` lists. */
export function missingRedriveBaseMessage(batchId: string, runId: string, missing: readonly string[]): string {
  return (
    `Batch ${batchId} cannot be redriven: the work blobs of its previous run ${runId} are gone ` +
    `(${missing.join(', ')}), most likely expired by the work container's lifecycle rule, which deletes work blobs ` +
    `a set number of days after they were last written. Start the batch again with POST /api/batches/${batchId}`
  );
}

export function readRunManifest(batchId: string, runId: string): Promise<RunManifest> {
  return cached(workBlob.manifest(batchId, runId), () => readRequired(workBlob.manifest(batchId, runId)));
}

export function readChunkFiles(batchId: string, runId: string, chunk: number): Promise<ChunkFiles> {
  const name = workBlob.chunkFiles(batchId, runId, chunk);
  return cached(name, () => readRequired(name));
}

export async function writeRunManifest(batchId: string, runId: string, value: RunManifest): Promise<void> {
  await writeJson(WORK_CONTAINER, workBlob.manifest(batchId, runId), value);
}

export async function writeChunkFiles(batchId: string, runId: string, chunk: number, value: ChunkFiles): Promise<void> {
  await writeJson(WORK_CONTAINER, workBlob.chunkFiles(batchId, runId, chunk), value);
}
