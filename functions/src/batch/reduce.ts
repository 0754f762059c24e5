import { mergeAll } from '../pipeline/merge';
import { FailedBlob, PartialAggregate } from '../pipeline/types';
import { readJson, writeJson } from '../storage/blobs';
import { WORK_CONTAINER } from '../settings';
import { LogEvent } from '../telemetry/names';
import { EventLogger, logEvent } from '../telemetry/log';
import { ChunkInput, ReduceBatchInput, ReduceOutput } from './contracts';
import { GroupRange, groupCount, groupRange } from './map-groups';
import { runFields, workBlob } from './paths';
import { readChunkFiles } from './run-files';

/** A reduced set of files: the merge of the successful files' partials and the failed files. */
export interface ReducedPartial {
  partial: PartialAggregate;
  failures: FailedBlob[];
}

/** Work blobs read at the same time by one reduce activity. */
const READ_CONCURRENCY = 16;

async function readRequired<T>(name: string): Promise<T> {
  const value = await readJson<T>(WORK_CONTAINER, name);
  if (value === undefined) throw new Error(`Work blob ${WORK_CONTAINER}/${name} is missing`);
  return value;
}

async function readAll<T>(names: string[]): Promise<T[]> {
  const values: T[] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < names.length; index = next++) values[index] = await readRequired<T>(names[index]);
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
  return values;
}

function counters(reduced: ReducedPartial): ReduceOutput {
  const { partial, failures } = reduced;
  return {
    files: partial.files + failures.length,
    succeeded: partial.files,
    failed: failures.length,
    bytes: partial.bytes,
    rows: partial.rows,
    rejectedRows: partial.rejectedRows,
  };
}

/** Merges the map outcomes of one chunk, one per map group, into the chunk's partial blob. */
export async function reduceChunk(input: ChunkInput, logger: EventLogger): Promise<ReduceOutput> {
  const { batchId, runId, chunk } = input;
  const files = await readChunkFiles(batchId, runId, chunk.index);
  const names = Array.from({ length: groupCount(files) }, (_, group) => {
    const range = groupRange(files, group) as GroupRange;
    return workBlob.mapOutcome(batchId, runId, files.start + range.offset);
  });
  // A map outcome blob has the shape of a chunk's partial: the merge of its group's mapped files, and its failures.
  const outcomes = await readAll<ReducedPartial>(names);
  const reduced: ReducedPartial = {
    partial: mergeAll(outcomes.map((outcome) => outcome.partial)),
    failures: outcomes.flatMap((outcome) => outcome.failures),
  };
  await writeJson(WORK_CONTAINER, workBlob.chunkPartial(batchId, runId, chunk.index), reduced);

  const output = counters(reduced);
  logEvent(logger, 'info', LogEvent.reduceCompleted, { ...runFields(batchId, runId), chunk: chunk.index, ...output });
  return output;
}

/**
 * Merges the chunk partials of a run, and for a redrive the base run's merged partial, into the run's merged blob.
 * The base run's failures are dropped: a redrive maps exactly those files again, so its own failures replace them.
 */
export async function reduceBatch(input: ReduceBatchInput, logger: EventLogger): Promise<ReduceOutput> {
  const { batchId, runId } = input;
  const names = Array.from({ length: input.chunkCount }, (_, index) => workBlob.chunkPartial(batchId, runId, index));
  const chunks = await readAll<ReducedPartial>(names);
  const base = input.baseRunId
    ? await readRequired<ReducedPartial>(workBlob.merged(batchId, input.baseRunId))
    : undefined;

  const partials = chunks.map((chunk) => chunk.partial);
  if (base) partials.unshift(base.partial);
  const reduced: ReducedPartial = { partial: mergeAll(partials), failures: chunks.flatMap((chunk) => chunk.failures) };
  await writeJson(WORK_CONTAINER, workBlob.merged(batchId, runId), reduced);

  const output = counters(reduced);
  logEvent(logger, 'info', LogEvent.reduceCompleted, {
    ...runFields(batchId, runId),
    chunks: input.chunkCount,
    ...output,
  });
  return output;
}

export async function readMerged(batchId: string, runId: string): Promise<ReducedPartial> {
  return readRequired<ReducedPartial>(workBlob.merged(batchId, runId));
}
