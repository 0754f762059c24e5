import { formatForFile } from '../pipeline/manifest';
import { mapStream } from '../pipeline/map-stream';
import { truncateMessage } from '../pipeline/truncate';
import { FileError, Manifest, PartialAggregate } from '../pipeline/types';
import { containerClient, isNotFound, writeJson } from '../storage/blobs';
import { INPUT_CONTAINER, WORK_CONTAINER } from '../settings';
import { LogEvent } from '../telemetry/names';
import { EventLogger, logEvent } from '../telemetry/log';
import { recordMap } from '../telemetry/metrics';
import { MapInput, MapOutput } from './contracts';
import { MAP_OUTCOME_METADATA } from './map-progress';
import { runFields, workBlob } from './paths';
import { readChunkFiles, readRunManifest } from './run-files';

/** Content of a map outcome blob in the work container. */
export type MapOutcome =
  { ok: true; blob: string; partial: PartialAggregate } | { ok: false; blob: string; error: FileError };

/** Bytes of an error message returned to the orchestrator; the work blob keeps up to 4 KB. */
const RETURNED_MESSAGE_BYTES = 256;

/**
 * Maps one input blob: streams it from blob storage into the pipeline and writes the partial, or the file's error,
 * to the work container. The blob name derives from the file index, so a retried activity overwrites the same blob.
 * Storage failures other than a missing input blob are thrown, so the orchestrator's retry policy applies.
 */
export async function mapBlob(input: MapInput, logger: EventLogger): Promise<MapOutput> {
  const startedAt = performance.now();
  const { batchId, runId, fileIndex } = input;
  const ids = runFields(batchId, runId);
  const elapsedMs = () => Math.round(performance.now() - startedAt);
  const run = await readRunManifest(batchId, runId);
  const chunkFiles = await readChunkFiles(batchId, runId, input.chunkIndex);
  const name = chunkFiles.files[fileIndex - chunkFiles.start];
  if (name === undefined) {
    throw new RangeError(`File index ${fileIndex} is outside chunk ${input.chunkIndex} of run ${runId}`);
  }
  const blob = `${INPUT_CONTAINER}/${batchId}/${name}`;

  let outcome: MapOutcome;
  try {
    outcome = await mapOne(batchId, name, run.manifest);
    const metadata = { [MAP_OUTCOME_METADATA]: outcome.ok ? 'mapped' : 'failed' };
    await writeJson(WORK_CONTAINER, workBlob.mapOutcome(batchId, runId, fileIndex), outcome, metadata);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const durationMs = elapsedMs();
    logEvent(logger, 'warn', LogEvent.mapTransientError, { ...ids, blob, durationMs, error: truncateMessage(message) });
    recordMap({ ...ids, outcome: 'error', durationMs });
    throw error;
  }

  const durationMs = elapsedMs();
  if (!outcome.ok) {
    logEvent(logger, 'warn', LogEvent.mapFileFailed, {
      ...ids,
      blob,
      durationMs,
      kind: outcome.error.kind,
      error: outcome.error.message,
    });
    recordMap({ ...ids, outcome: 'failed', durationMs });
    return {
      ok: false,
      fileIndex,
      kind: outcome.error.kind,
      message: truncateMessage(outcome.error.message, RETURNED_MESSAGE_BYTES),
    };
  }
  const { bytes, rows, rejectedRows } = outcome.partial;
  logEvent(logger, 'info', LogEvent.mapCompleted, { ...ids, blob, durationMs, bytes, rows, rejectedRows });
  recordMap({ ...ids, outcome: 'mapped', durationMs, bytes, rows, rejectedRows });
  return { ok: true, fileIndex, bytes, rows, rejectedRows };
}

async function mapOne(batchId: string, name: string, manifest: Manifest): Promise<MapOutcome> {
  const format = formatForFile(name, manifest);
  if (format === undefined) {
    const message = `Cannot tell the format of ${name}: name the file .csv, .ndjson or .jsonl, or set "format" in the manifest`;
    return { ok: false, blob: name, error: { kind: 'unreadable', message } };
  }

  const client = (await containerClient(INPUT_CONTAINER)).getBlobClient(`${batchId}/${name}`);
  let download;
  try {
    download = await client.download();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const message = `Blob ${INPUT_CONTAINER}/${batchId}/${name} not found: upload it or remove it from the manifest's files`;
    return { ok: false, blob: name, error: { kind: 'not-found', message } };
  }

  if (!download.readableStreamBody)
    throw new Error(`Download of ${INPUT_CONTAINER}/${batchId}/${name} returned no body`);
  const result = await mapStream(download.readableStreamBody, {
    fileName: name,
    format,
    groupBy: manifest.groupBy,
    metrics: manifest.metrics,
    bytes: download.contentLength,
  });
  return result.ok ? { ok: true, blob: name, partial: result.partial } : { ok: false, blob: name, error: result.error };
}
