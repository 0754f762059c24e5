import { ConfigurationError } from '../errors';
import { InvalidInputError } from '../pipeline/errors';
import { parseManifest } from '../pipeline/manifest';
import { truncateMessage } from '../pipeline/truncate';
import { FailedBlob, Manifest } from '../pipeline/types';
import { containerClient, readBytes, readText } from '../storage/blobs';
import {
  DEFAULT_MAX_FILES,
  INPUT_CONTAINER,
  MANIFEST_BLOB_NAME,
  MAX_FILES_SETTING,
  RESULTS_CONTAINER,
} from '../settings';
import { SettingsSource } from '../storage/connection';
import { LogEvent } from '../telemetry/names';
import { EventLogger, logEvent } from '../telemetry/log';
import { BatchError, ChunkRef, ListInput, ListOutput } from './contracts';
import { readLatestRun } from './latest-run';
import { manifestBlobName, normalizeEtag } from './manifest-blob';
import { resultBlob, runFields } from './paths';
import { groupStarts, MapGroupLimits, mapGroupLimits, positiveIntegerSetting } from './map-groups';
import {
  findMissingRedriveBaseBlobs,
  missingRedriveBaseMessage,
  readRunManifest,
  RunManifest,
  writeChunkFiles,
  writeRunManifest,
} from './run-files';

/** Number of missing names that the error of a manifest with missing `files` lists. */
const MISSING_FILES_LISTED = 10;

/**
 * Reads and validates the manifest, lists the batch's files (or, for a redrive, the files of the last
 * `failed.jsonl`), writes the manifest and one file list per chunk to the work container and returns only counts
 * and chunk ranges. Invalid input is returned as an error, so the orchestrator can still write a failed result.
 * Invalid input is an invalid manifest, more files than `maxItems` (or `BATCH_MAX_FILES` when the manifest has
 * none), names in `files` that do not exist under the batch prefix, or an invalid app setting of the listing.
 */
export async function listBatchFiles(
  input: ListInput,
  logger: EventLogger,
  settings: SettingsSource = process.env,
): Promise<ListOutput> {
  const configured = readListSettings(settings);
  if ('error' in configured) return rejectListing(input, configured.error, logger);
  const planned =
    input.mode === 'redrive' ? await planRedrive(input) : await planFullRun(input.batchId, configured.maxFiles);
  if ('error' in planned) return rejectListing(input, planned.error, logger);

  const { run, files } = planned;
  const limits = configured.limits;
  await writeRunManifest(input.batchId, input.runId, run);
  const chunks = await Promise.all(
    splitIntoChunks(files.length, run.manifest.chunkSize).map(async (range): Promise<ChunkRef> => {
      const names = files.slice(range.start, range.start + range.count);
      const groups = groupStarts(
        names.map((name) => planned.sizes.get(name) ?? 0),
        limits,
      );
      await writeChunkFiles(input.batchId, input.runId, range.index, { start: range.start, files: names, groups });
      return { ...range, groups: groups.length };
    }),
  );

  logEvent(logger, 'info', LogEvent.listCompleted, {
    ...runFields(input.batchId, input.runId),
    mode: input.mode,
    total: run.total,
    files: files.length,
    chunks: chunks.length,
  });
  return {
    ok: true,
    total: run.total,
    files: files.length,
    chunkSize: run.manifest.chunkSize,
    toleratedFailurePercentage: run.manifest.toleratedFailurePercentage,
    chunks,
  };
}

function rejectListing(input: ListInput, error: BatchError, logger: EventLogger): ListOutput {
  logEvent(logger, 'warn', LogEvent.listRejected, { ...runFields(input.batchId, input.runId), ...error });
  return { ok: false, error };
}

/** A run's manifest and files, with the input blob sizes that group the files for the map activities. */
type Plan = { run: RunManifest; files: string[]; sizes: Map<string, number> } | { error: BatchError };

async function planFullRun(batchId: string, defaultLimit: number): Promise<Plan> {
  const blob = await readBytes(INPUT_CONTAINER, manifestBlobName(batchId));
  if (!blob) {
    const message = `Manifest ${INPUT_CONTAINER}/${manifestBlobName(batchId)} not found: upload it after the batch files`;
    return { error: { kind: 'manifest-not-found', message } };
  }

  let manifest: Manifest;
  try {
    manifest = parseManifest(blob.bytes);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { error: { kind: 'invalid-manifest', message: truncateMessage(error.message) } };
  }

  const limit = manifest.maxItems ?? defaultLimit;
  const tooMany = (count: number) => tooManyFiles(batchId, count, manifest.maxItems, limit);
  if (manifest.files && manifest.files.length > limit) return tooMany(manifest.files.length);
  const listed = await listInputBlobs(batchId);
  if (!manifest.files) {
    if (listed.size > limit) return tooMany(listed.size);
    if (listed.size === 0) return noDataFiles(batchId);
    return plan(manifest, blob.etag, [...listed.keys()], listed);
  }

  const missing = manifest.files.filter((name) => !listed.has(name));
  if (missing.length > 0) {
    const firstMissing = missing.slice(0, MISSING_FILES_LISTED).map((name) => JSON.stringify(name));
    const first = missing.length > MISSING_FILES_LISTED ? `the first ${MISSING_FILES_LISTED}: ` : '';
    const message =
      `Batch ${batchId}: ${missing.length} of the ${manifest.files.length} files the manifest lists do not exist ` +
      `under ${INPUT_CONTAINER}/${batchId}/ (${first}${firstMissing.join(', ')}): upload them, or remove them from "files"`;
    return { error: { kind: 'missing-files', message: truncateMessage(message) } };
  }
  return plan(manifest, blob.etag, manifest.files, listed);
}

function plan(manifest: Manifest, etag: string | undefined, files: string[], sizes: Map<string, number>): Plan {
  return { run: { manifest, manifestEtag: normalizeEtag(etag), total: files.length }, files, sizes };
}

/** Rejects a prefix with only the manifest, because a run would complete with zero rows and hide a failed upload. */
function noDataFiles(batchId: string): Plan {
  const message =
    `Batch ${batchId} has no data files: ${INPUT_CONTAINER}/${batchId}/ contains only ${MANIFEST_BLOB_NAME}. ` +
    `Upload the data files under ${INPUT_CONTAINER}/${batchId}/, then upload the manifest again or ` +
    `POST /api/batches/${batchId}`;
  return { error: { kind: 'missing-files', message } };
}

function tooManyFiles(batchId: string, count: number, maxItems: number | undefined, limit: number): Plan {
  const message =
    maxItems !== undefined
      ? `Batch ${batchId} has ${count} files, more than the manifest's maxItems ${maxItems}: ` +
        'raise maxItems or split the batch'
      : `Batch ${batchId} has ${count} files, more than the limit of ${limit} for a manifest without maxItems: ` +
        `set maxItems in the manifest (or the app setting ${MAX_FILES_SETTING}) to raise it, or split the batch`;
  return { error: { kind: 'too-many-items', message } };
}

/**
 * Maximum of `BATCH_MAX_FILES`. The listing activity keeps every name and size of the batch in memory and writes
 * every chunk's file list, so a larger batch belongs in several batches.
 */
export const MAX_BATCH_FILES = 10_000_000;

/** Returns the file limit of a batch whose manifest has no `maxItems`: `BATCH_MAX_FILES`, else 100,000. */
export function maxFiles(settings: SettingsSource): number {
  return positiveIntegerSetting(settings, MAX_FILES_SETTING, DEFAULT_MAX_FILES, MAX_BATCH_FILES);
}

/**
 * Reads the app settings of the listing. An invalid one is returned as an `invalid-setting` error, because a retry
 * cannot fix it and the run should end at once with a failed result.
 */
function readListSettings(
  settings: SettingsSource,
): { limits: MapGroupLimits; maxFiles: number } | { error: BatchError } {
  try {
    return { limits: mapGroupLimits(settings), maxFiles: maxFiles(settings) };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return { error: { kind: 'invalid-setting', message: error.message } };
  }
}

/** Sizes of the blobs under `input/<batchId>/`, keyed by name relative to that prefix, in listing order, without the manifest. */
async function listInputBlobs(batchId: string): Promise<Map<string, number>> {
  const container = await containerClient(INPUT_CONTAINER);
  const prefix = `${batchId}/`;
  const sizes = new Map<string, number>();
  for await (const blob of container.listBlobsFlat({ prefix })) {
    const name = blob.name.slice(prefix.length);
    if (name !== MANIFEST_BLOB_NAME) sizes.set(name, blob.properties.contentLength ?? 0);
  }
  return sizes;
}

async function planRedrive(input: ListInput): Promise<Plan> {
  const latest = await readLatestRun(input.batchId);
  const baseRunId = input.baseRunId ?? latest?.runId;
  if (!baseRunId || (latest?.runId === baseRunId && !latest.mapped)) {
    const message = `Batch ${input.batchId} has no previous run with results to redrive: start the batch first`;
    return { error: { kind: 'no-previous-run', message } };
  }

  const missing = await findMissingRedriveBaseBlobs(input.batchId, baseRunId);
  if (missing.length > 0) {
    const message = missingRedriveBaseMessage(input.batchId, baseRunId, missing);
    return { error: { kind: 'no-previous-run', message } };
  }

  const base = await readRunManifest(input.batchId, baseRunId);
  const failedText = await readText(RESULTS_CONTAINER, resultBlob.failed(input.batchId));
  const files = (failedText?.text ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as FailedBlob).blob);
  const sizes = await listInputBlobs(input.batchId);
  return { run: { ...base, manifest: { ...base.manifest, files } }, files, sizes };
}

/** Splits `count` files into ranges of at most `chunkSize`; zero files give no chunk. */
export function splitIntoChunks(count: number, chunkSize: number): Omit<ChunkRef, 'groups'>[] {
  const chunks: Omit<ChunkRef, 'groups'>[] = [];
  for (let start = 0; start < count; start += chunkSize) {
    chunks.push({ index: chunks.length, start, count: Math.min(chunkSize, count - start) });
  }
  return chunks;
}
