import { ConfigurationError } from '../errors';
import { MAX_CHUNK_SIZE } from '../pipeline/manifest-rules';
import {
  DEFAULT_MAP_GROUP_BYTES,
  DEFAULT_MAP_GROUP_FILES,
  MAP_GROUP_BYTES_SETTING,
  MAP_GROUP_FILES_SETTING,
} from '../settings';
import { SettingsSource } from '../storage/connection';
import { ChunkFiles } from './run-files';

/** How many files, and how many bytes of them, one map activity reads at most. */
export interface MapGroupLimits {
  files: number;
  bytes: number;
}

/** Maximum of `MAP_GROUP_MAX_FILES`: a group never spans chunks, and a chunk has at most `MAX_CHUNK_SIZE` files. */
export const MAX_MAP_GROUP_FILES = MAX_CHUNK_SIZE;

/** Maximum of `MAP_GROUP_MAX_BYTES`: 1 GiB. One map activity reads a group's files one after the other. */
export const MAX_MAP_GROUP_BYTES = 1024 * 1024 * 1024;

/** Reads `MAP_GROUP_MAX_FILES` and `MAP_GROUP_MAX_BYTES`, with their defaults. */
export function mapGroupLimits(settings: SettingsSource): MapGroupLimits {
  return {
    files: positiveIntegerSetting(settings, MAP_GROUP_FILES_SETTING, DEFAULT_MAP_GROUP_FILES, MAX_MAP_GROUP_FILES),
    bytes: positiveIntegerSetting(settings, MAP_GROUP_BYTES_SETTING, DEFAULT_MAP_GROUP_BYTES, MAX_MAP_GROUP_BYTES),
  };
}

/**
 * Reads an app setting that must be an integer from 1 to `max` written in decimal digits only, so `1e3`, `0x10`
 * and `1.0` are invalid. Returns `fallback` when the setting is unset or blank, and throws `ConfigurationError`
 * otherwise.
 */
export function positiveIntegerSetting(settings: SettingsSource, name: string, fallback: number, max: number): number {
  const text = settings[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new ConfigurationError(
      `App setting ${name} is ${JSON.stringify(text)}: set an integer from 1 to ${max}, or remove it to use ${fallback}`,
    );
  }
  return value;
}

/**
 * Divisor of a chunk's file count that caps the files of one group, so a small chunk still maps in parallel. A
 * chunk of n files makes at least ceil(n / ceil(n / 16)) groups: 9 to 16 when n is 16 or more, which is more than
 * the default `maxConcurrentActivityFunctions` of 8 in host.json.
 */
export const GROUP_SPREAD = 16;

/**
 * Splits consecutive files into groups for the map activities and returns the offset of each group's first file.
 * A group takes files until it contains `limits.files` files, or ceil(n / `GROUP_SPREAD`) of the chunk's n files when
 * that is fewer, or until the next file would take it past `limits.bytes`. A file larger than `limits.bytes` forms
 * a group alone. An unknown size counts as 0.
 */
export function groupStarts(sizes: readonly number[], limits: MapGroupLimits): number[] {
  const maxFiles = Math.min(limits.files, Math.max(1, Math.ceil(sizes.length / GROUP_SPREAD)));
  const starts: number[] = [];
  let files = 0;
  let bytes = 0;
  sizes.forEach((size, offset) => {
    if (files === 0 || files >= maxFiles || bytes + size > limits.bytes) {
      starts.push(offset);
      files = 0;
      bytes = 0;
    }
    files += 1;
    bytes += size;
  });
  return starts;
}

/** Range of a chunk's files that map group `group` reads, as offsets into `chunk.files`. */
export interface GroupRange {
  offset: number;
  count: number;
}

/** Returns the files of group `group`; a list written without groups maps each file alone. */
export function groupRange(chunk: ChunkFiles, group: number): GroupRange | undefined {
  const starts = chunk.groups;
  if (starts === undefined) return group >= 0 && group < chunk.files.length ? { offset: group, count: 1 } : undefined;
  if (!Number.isInteger(group) || group < 0 || group >= starts.length) return undefined;
  const end = group + 1 < starts.length ? starts[group + 1] : chunk.files.length;
  return { offset: starts[group], count: end - starts[group] };
}

/** Number of map groups of a chunk's file list. */
export function groupCount(chunk: ChunkFiles): number {
  return chunk.groups?.length ?? chunk.files.length;
}
