import { Accumulator } from './accumulator';
import { mapCsv } from './csv-rows';
import { type ByteSource, decodeUtf8 } from './decode';
import { FileFormatError, InvalidInputError } from './errors';
import { mapNdjson } from './ndjson-rows';
import { truncateMessage } from './truncate';
import type { MapOptions, MapResult } from './types';

/** Distinct group keys one file may produce; each costs a sketch per metric, so this caps memory. */
export const DEFAULT_MAX_GROUPS = 100_000;

/**
 * Maps one file: streams it, parses rows and aggregates them per group. Memory grows with the number
 * of groups, not the file size, because chunks are pulled one at a time as the parser consumes them.
 *
 * Bad rows are counted and sampled, not fatal. A file that is binary, not UTF-8, lacks a column or is
 * not parseable returns `{ ok: false, error }`. An empty or header-only file is a valid partial with
 * zero rows. Errors of the source itself (a failed download) are thrown, so the caller can retry.
 */
export async function mapStream(source: ByteSource, options: MapOptions): Promise<MapResult> {
  if (options.format !== 'csv' && options.format !== 'ndjson') {
    throw new InvalidInputError(
      `Invalid format ${JSON.stringify(options.format)}: use "csv" or "ndjson".`,
      'format',
      options.format,
    );
  }

  const counter = { bytes: 0 };
  const accumulator = new Accumulator(options.maxGroups ?? DEFAULT_MAX_GROUPS);
  const text = decodeUtf8(source, counter);
  const mapRows = options.format === 'csv' ? mapCsv : mapNdjson;

  try {
    await mapRows(text, options, accumulator);
  } catch (error) {
    if (error instanceof FileFormatError) {
      return { ok: false, error: { kind: error.kind, message: truncateMessage(error.message) } };
    }
    throw error;
  }

  accumulator.addFile(options.bytes ?? counter.bytes);
  return { ok: true, partial: accumulator.toPartial() };
}
