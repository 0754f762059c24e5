import { isObject } from './activity-fields';
import { BlobReader } from './blob-reader';
import { ActivityRecord } from './records';

/** Chunk file lists kept in memory at most; each is written once per run and never changes. */
const MAX_CACHED_LISTS = 500;

interface MapInput {
  batchId: string;
  runId: string;
  chunkIndex: number;
  fileIndex: number;
}

/**
 * Names the files of map activities. The batch orchestrator keeps file names out of the history: a map activity
 * gets `{ batchId, runId, chunkIndex, fileIndex }` and reads its name from the chunk's list in the work container,
 * `work/<batchId>/runs/<runId>/chunks/<chunkIndex>/files.json` = `{ start, files }`. The returned function reads
 * the same list and adds `blobName` to such inputs, so the timeline and failures show file names.
 */
export function batchFileNamer(
  readBlob: BlobReader,
  workContainer = 'work',
): (activities: readonly ActivityRecord[]) => Promise<ActivityRecord[]> {
  const lists = new Map<string, Promise<{ start: number; files: unknown[] } | undefined>>();

  const chunkFiles = (input: MapInput) => {
    const name = `${input.batchId}/runs/${input.runId}/chunks/${input.chunkIndex}/files.json`;
    let list = lists.get(name);
    if (!list) {
      list = readBlob(workContainer, name).then(parseChunkFiles);
      list.then((value) => value === undefined && lists.delete(name)).catch(() => lists.delete(name));
      if (lists.size >= MAX_CACHED_LISTS) lists.delete(lists.keys().next().value as string);
      lists.set(name, list);
    }
    return list;
  };

  return (activities) => Promise.all(activities.map((activity) => named(activity, chunkFiles)));
}

async function named(
  activity: ActivityRecord,
  chunkFiles: (input: MapInput) => Promise<{ start: number; files: unknown[] } | undefined>,
): Promise<ActivityRecord> {
  if (!isMapInput(activity.input)) return activity;
  const list = await chunkFiles(activity.input).catch(() => undefined);
  const name = list?.files[activity.input.fileIndex - list.start];
  return typeof name === 'string' ? { ...activity, input: { ...activity.input, blobName: name } } : activity;
}

function isMapInput(input: unknown): input is MapInput {
  return (
    isObject(input) &&
    typeof input.batchId === 'string' &&
    typeof input.runId === 'string' &&
    Number.isInteger(input.chunkIndex) &&
    Number.isInteger(input.fileIndex)
  );
}

function parseChunkFiles(body: Buffer | undefined): { start: number; files: unknown[] } | undefined {
  if (!body) return undefined;
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!isObject(parsed) || !Number.isInteger(parsed.start) || !Array.isArray(parsed.files)) return undefined;
  return { start: parsed.start as number, files: parsed.files };
}
