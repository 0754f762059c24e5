import { Accumulator } from './accumulator';
import { mapCsv } from './csv-rows';
import { type ByteSource, decodeUtf8 } from './decode';
import { FileFormatError, InvalidInputError } from './errors';
import { mapNdjson } from './ndjson-rows';
import { truncateMessage } from './truncate';
import type { InputFormat, MapOptions, MapResult, PartialAggregate } from './types';

/** Distinct group keys one file may produce; each costs a sketch per metric, so this caps memory. */
export const DEFAULT_MAX_GROUPS = 100_000;

/**
 * Maps one file: streams it, parses rows and aggregates them per group. Memory grows with the number
 * of groups, not the file size, because chunks are pulled one at a time as the parser consumes them.
 *
 * Bad rows are counted and sampled, not fatal. A file that is binary, not UTF-8, lacks a column, is
 * not parseable or has data rows that were all rejected returns `{ ok: false, error }`. An empty or header-only file is a valid partial with
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
  const partial = accumulator.toPartial();
  if (partial.rows > 0 && partial.rejectedRows === partial.rows) {
    return {
      ok: false,
      error: { kind: 'all-rows-rejected', message: truncateMessage(allRejectedMessage(partial, options.format)) },
    };
  }
  return { ok: true, partial };
}

/**
 * Describes a file whose every data row was rejected: the count, the first row's reason and what to check. Such a
 * file adds nothing to the result. A misspelled column in the manifest or a wrong format rejects every row.
 */
function allRejectedMessage(partial: PartialAggregate, format: InputFormat): string {
  const [first] = partial.rejectedSamples;
  const rows = partial.rows === 1 ? 'its 1 data row was' : `all ${partial.rows} data rows were`;
  const firstRow = first ? ` The first rejected row is line ${first.line}: ${first.reason}.` : '';
  return `The file has no usable row: ${rows} rejected.${firstRow} ${rejectFix(first?.reason ?? '', format)}`;
}

/** Returns what to do about a file whose rows were all rejected for `reason`, the first row's reason. */
function rejectFix(reason: string, format: InputFormat): string {
  if (reason.startsWith('invalid JSON') || reason === 'not a JSON object') {
    return (
      'The file is not NDJSON: set "format" in the manifest to the format of the file, or name the file .csv, ' +
      '.ndjson or .jsonl and leave "format" out, then upload the manifest again.'
    );
  }
  if (reason.endsWith('is missing or null')) {
    return (
      'Check that every groupBy and metrics name in the manifest is a field of the file, spelled as in the file, ' +
      'then upload the manifest again.'
    );
  }
  if (reason.startsWith('expected ') && format === 'csv') {
    return 'Each row must have as many comma-separated fields as the header: fix the rows, then redrive the batch.';
  }
  if (reason.startsWith('column ')) {
    return (
      'Check that the metrics name columns of decimal numbers, then upload the manifest again, or fix the values ' +
      'and redrive the batch.'
    );
  }
  return 'Fix the rows, then redrive the batch, or correct the manifest and upload it again.';
}
