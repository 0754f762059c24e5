import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { CsvError, parse } from 'csv-parse';

import type { Accumulator } from './accumulator';
import { FileFormatError } from './errors';
import { MAX_RECORD_CHARS, readRowValues } from './row-values';
import type { MapOptions } from './types';

/** Line numbers of CSV records, counted from the fields so csv-parse need not copy its `info` per record. */
class LineCounter {
  private next = 1;

  /** Returns the first line of `record` and advances past its last line and line break. */
  advance(record: readonly string[]): number {
    const first = this.next;
    let breaks = 0;
    for (const field of record) {
      let at = field.indexOf('\n');
      while (at >= 0) {
        breaks += 1;
        at = field.indexOf('\n', at + 1);
      }
    }
    this.next = first + breaks + 1;
    return first;
  }
}

function isBlankLine(record: readonly string[]): boolean {
  return record.length === 1 && record[0] === '';
}

/**
 * Maps CSV text with a header row into `accumulator`. Quoted fields may contain commas, quotes and
 * newlines. CRLF and LF line ends both work, and blank lines are skipped. A file with no header is an
 * empty partial. Rows with the wrong number of fields or a bad metric are rejected. A missing column
 * or a broken CSV structure, such as an unclosed quote or a record over 1 MiB, fails the file.
 */
export async function mapCsv(
  text: AsyncIterable<string>,
  options: MapOptions,
  accumulator: Accumulator,
): Promise<void> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_CHARS,
  });

  // When the last stage throws, pipeline can reject with the AbortError of the source it tears down
  // (Node 20), so the stage's own error is kept and preferred.
  let consumerError: unknown;
  try {
    await pipeline(Readable.from(text), parser, async (records: AsyncIterable<string[]>) => {
      try {
        await consumeRecords(records, options, accumulator);
      } catch (error) {
        consumerError = error;
        throw error;
      }
    });
  } catch (error) {
    const cause = consumerError ?? error;
    if (cause instanceof CsvError) {
      throw new FileFormatError('parse', `Invalid CSV: ${cause.message}`);
    }
    throw cause;
  }
}

async function consumeRecords(records: AsyncIterable<string[]>, options: MapOptions, accumulator: Accumulator) {
  const lines = new LineCounter();
  let columnIndex: Map<string, number> | undefined;
  let width = 0;

  for await (const record of records) {
    const line = lines.advance(record);
    if (isBlankLine(record)) {
      continue;
    }
    if (!columnIndex) {
      columnIndex = indexHeader(record, options);
      width = record.length;
      continue;
    }

    const index = columnIndex;
    const row =
      record.length === width
        ? readRowValues(options, (column) => ({ ok: true, value: record[index.get(column) as number] }))
        : { ok: false as const, reason: `expected ${width} fields as in the header, found ${record.length}` };

    if (row.ok) {
      accumulator.addRow(row.key, options.metrics, row.values);
    } else {
      accumulator.reject({ file: options.fileName, line, reason: row.reason });
    }
  }
}

/** Maps each groupBy and metric column to its index in the header, failing on a missing or repeated name. */
function indexHeader(header: string[], options: MapOptions): Map<string, number> {
  const index = new Map<string, number>();
  const listed = header.map((name) => JSON.stringify(name)).join(', ');

  for (const [role, columns] of [
    ['groupBy', options.groupBy],
    ['metrics', options.metrics],
  ] as const) {
    for (const column of columns) {
      const position = header.indexOf(column);
      if (position < 0) {
        throw new FileFormatError(
          'missing-column',
          `The ${role} column ${JSON.stringify(column)} is missing from the CSV header. The header has: ${listed}.`,
        );
      }
      if (header.lastIndexOf(column) !== position) {
        throw new FileFormatError(
          'parse',
          `The ${role} column ${JSON.stringify(column)} appears more than once in the CSV header, so its values are ambiguous.`,
        );
      }
      index.set(column, position);
    }
  }
  return index;
}
