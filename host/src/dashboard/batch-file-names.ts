import { isObject } from './activity-fields';
import { BlobReader } from './blob-reader';
import { ActivityRecord } from './records';

/** Chunk file lists kept in memory at most; each is written once per run and never changes. */
const MAX_CACHED_LISTS = 500;

interface MapInput {
  batchId: string;
  runId: string;
  chunkIndex: number;
  group: number;
}

interface ChunkList {
  files: unknown[];
  /** Offset of each map group's first file in `files`. */
  groups: number[];
}

/**
 * Names the files of map activities. The batch orchestrator keeps file names out of the history: a map activity
 * gets `{ batchId, runId, chunkIndex, group }` and reads its files from the chunk's list in the work container,
 * `work/<batchId>/runs/<runId>/chunks/<chunkIndex>/files.json` = `{ start, files, groups }`, where `groups` contains
 * the offset of each group's first file. The returned function reads the same list and adds `blobName` (the first
 * file, and how many more the group has) to such inputs, so the timeline and failures show file names.
 */
export function batchFileNamer(
  readBlob: BlobReader,
  workContainer = 'work',
): (activities: readonly ActivityRecord[]) => Promise<ActivityRecord[]> {
  const lists = new Map<string, Promise<ChunkList | undefined>>();

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
  chunkFiles: (input: MapInput) => Promise<ChunkList | undefined>,
): Promise<ActivityRecord> {
  if (!isMapInput(activity.input)) return activity;
  const list = await chunkFiles(activity.input).catch(() => undefined);
  const name = list && groupName(list, activity.input.group);
  return name ? { ...activity, input: { ...activity.input, blobName: name } } : activity;
}

function groupName(list: ChunkList, group: number): string | undefined {
  const start = list.groups[group];
  if (start === undefined) return undefined;
  const end = list.groups[group + 1] ?? list.files.length;
  const first = list.files[start];
  if (typeof first !== 'string') return undefined;
  const more = end - start - 1;
  return more > 0 ? `${first} and ${more} more` : first;
}

function isMapInput(input: unknown): input is MapInput {
  return (
    isObject(input) &&
    typeof input.batchId === 'string' &&
    typeof input.runId === 'string' &&
    Number.isInteger(input.chunkIndex) &&
    Number.isInteger(input.group)
  );
}

function parseChunkFiles(body: Buffer | undefined): ChunkList | undefined {
  if (!body) return undefined;
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!isObject(parsed) || !Array.isArray(parsed.files)) return undefined;
  const { files, groups } = parsed;
  if (groups === undefined) return { files, groups: files.map((_, index) => index) };
  if (!Array.isArray(groups) || !groups.every((start) => Number.isInteger(start))) return undefined;
  return { files, groups: groups as number[] };
}
