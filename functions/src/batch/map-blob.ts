import { formatForFile } from '../pipeline/manifest';
import { mapStream } from '../pipeline/map-stream';
import { truncateMessage } from '../pipeline/truncate';
import { mergeAll } from '../pipeline/merge';
import { FailedBlob, FileError, Manifest, PartialAggregate } from '../pipeline/types';
import { containerClient, isNotFound, writeJson } from '../storage/blobs';
import { INPUT_CONTAINER, WORK_CONTAINER } from '../settings';
import { LogEvent } from '../telemetry/names';
import { EventLogger, logEvent } from '../telemetry/log';
import { recordMap } from '../telemetry/metrics';
import { MapInput, MapOutput } from './contracts';
import { MAP_OUTCOME_METADATA } from './map-progress';
import { groupRange } from './map-groups';
import { runFields, workBlob } from './paths';
import type { ReducedPartial } from './reduce';
import { readChunkFiles, readRunManifest } from './run-files';

/** Bytes of an error message returned to the orchestrator; the work blob keeps up to 4 KB. */
const RETURNED_MESSAGE_BYTES = 256;

type FileOutcome = { ok: true; partial: PartialAggregate } | { ok: false; error: FileError };

/**
 * Maps one group of consecutive input blobs: streams each from blob storage into the pipeline, one after the other,
 * merges their partials and writes the merge and the failed files to the work container. The blob name derives from
 * the group's first file, so a retried activity overwrites the same blob. Storage failures other than a missing
 * input blob are thrown, so the orchestrator's retry policy maps the whole group again.
 */
export async function mapBlob(input: MapInput, logger: EventLogger): Promise<MapOutput> {
  const startedAt = performance.now();
  const { batchId, runId } = input;
  const ids = runFields(batchId, runId);
  const run = await readRunManifest(batchId, runId);
  const chunkFiles = await readChunkFiles(batchId, runId, input.chunkIndex);
  const range = groupRange(chunkFiles, input.group);
  if (range === undefined) {
    const versionHint = Number.isInteger(input.group)
      ? ''
      : ': the activity was scheduled by an earlier version of the app';
    throw new RangeError(`Map group ${input.group} is outside chunk ${input.chunkIndex} of run ${runId}${versionHint}`);
  }
  const fileIndex = chunkFiles.start + range.offset;

  const partials: PartialAggregate[] = [];
  const failures: FailedBlob[] = [];
  for (const name of chunkFiles.files.slice(range.offset, range.offset + range.count)) {
    const outcome = await mapAndLog(ids, name, run.manifest, logger);
    if (outcome.ok) partials.push(outcome.partial);
    else failures.push({ blob: name, kind: outcome.error.kind, message: outcome.error.message });
  }

  const reduced: ReducedPartial = { partial: mergeAll(partials), failures };
  const metadata = {
    [MAP_OUTCOME_METADATA.mapped]: String(partials.length),
    [MAP_OUTCOME_METADATA.failed]: String(failures.length),
  };
  const outcomeBlob = workBlob.mapOutcome(batchId, runId, fileIndex);
  try {
    await writeJson(WORK_CONTAINER, outcomeBlob, reduced, metadata);
  } catch (error) {
    logEvent(logger, 'warn', LogEvent.mapTransientError, {
      ...ids,
      blob: `${WORK_CONTAINER}/${outcomeBlob}`,
      durationMs: Math.round(performance.now() - startedAt),
      error: truncateMessage(errorMessage(error)),
    });
    throw error;
  }
  return groupOutput(fileIndex, range.count, reduced);
}

/** Returns the counters of a mapped group and, when files failed, the first failure in short. */
function groupOutput(fileIndex: number, files: number, reduced: ReducedPartial): MapOutput {
  const { partial, failures } = reduced;
  const { bytes, rows, rejectedRows } = partial;
  const output: MapOutput = { fileIndex, files, failed: failures.length, bytes, rows, rejectedRows };
  const [first] = failures;
  if (first) {
    const others = failures.length > 1 ? ` (and ${failures.length - 1} more of this group's ${files} files)` : '';
    const message = truncateMessage(`${first.blob}: ${first.message}${others}`, RETURNED_MESSAGE_BYTES);
    output.error = { kind: first.kind, message };
  }
  return output;
}

/** Maps one file and logs its outcome. A storage failure is logged, then thrown. */
async function mapAndLog(
  ids: ReturnType<typeof runFields>,
  name: string,
  manifest: Manifest,
  logger: EventLogger,
): Promise<FileOutcome> {
  const startedAt = performance.now();
  const blob = `${INPUT_CONTAINER}/${ids.batchId}/${name}`;
  const durationMs = () => Math.round(performance.now() - startedAt);
  let outcome: FileOutcome;
  try {
    outcome = await mapOne(ids.batchId, name, manifest);
  } catch (error) {
    logEvent(logger, 'warn', LogEvent.mapTransientError, {
      ...ids,
      blob,
      durationMs: durationMs(),
      error: truncateMessage(errorMessage(error)),
    });
    recordMap({ ...ids, outcome: 'error', durationMs: durationMs() });
    throw error;
  }

  if (outcome.ok) {
    const { bytes, rows, rejectedRows } = outcome.partial;
    logEvent(logger, 'info', LogEvent.mapCompleted, {
      ...ids,
      blob,
      durationMs: durationMs(),
      bytes,
      rows,
      rejectedRows,
    });
    recordMap({ ...ids, outcome: 'mapped', durationMs: durationMs(), bytes, rows, rejectedRows });
  } else {
    const { kind, message } = outcome.error;
    logEvent(logger, 'warn', LogEvent.mapFileFailed, { ...ids, blob, durationMs: durationMs(), kind, error: message });
    recordMap({ ...ids, outcome: 'failed', durationMs: durationMs() });
  }
  return outcome;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function mapOne(batchId: string, name: string, manifest: Manifest): Promise<FileOutcome> {
  const format = formatForFile(name, manifest);
  if (format === undefined) {
    const message = `Cannot tell the format of ${name}: name the file .csv, .ndjson or .jsonl, or set "format" in the manifest`;
    return { ok: false, error: { kind: 'unreadable', message } };
  }

  const client = (await containerClient(INPUT_CONTAINER)).getBlobClient(`${batchId}/${name}`);
  let download;
  try {
    download = await client.download();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const message = `Blob ${INPUT_CONTAINER}/${batchId}/${name} not found: upload it or remove it from the manifest's files`;
    return { ok: false, error: { kind: 'not-found', message } };
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
  return result.ok ? { ok: true, partial: result.partial } : { ok: false, error: result.error };
}
