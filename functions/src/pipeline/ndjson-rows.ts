import type { Accumulator } from './accumulator';
import { FileFormatError } from './errors';
import { MAX_RECORD_CHARS, readRowValues } from './row-values';
import type { MapOptions } from './types';

type Cell = { ok: true; value: string | number } | { ok: false; reason: string };

/**
 * Maps NDJSON text, one JSON object per line, into `accumulator`. Blank lines are skipped and a
 * trailing CR is ignored. A line is rejected when it is not a JSON object or when a groupBy or metric
 * field is missing, null or nested. Fields the manifest does not use are not checked. A line over
 * 1 MiB fails the file, because reading on would hold it all in memory.
 */
export async function mapNdjson(text: AsyncIterable<string>, options: MapOptions, accumulator: Accumulator) {
  let pending: string[] = [];
  let pendingLength = 0;
  let line = 0;

  for await (const chunk of text) {
    let start = 0;
    let end = chunk.indexOf('\n');
    while (end >= 0) {
      pending.push(chunk.slice(start, end));
      line += 1;
      mapLine(pending.join(''), line, options, accumulator);
      pending = [];
      pendingLength = 0;
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }

    if (start < chunk.length) {
      pending.push(chunk.slice(start));
      pendingLength += chunk.length - start;
      checkLineLength(pendingLength, line + 1);
    }
  }

  if (pending.length > 0) {
    mapLine(pending.join(''), line + 1, options, accumulator);
  }
}

function checkLineLength(length: number, line: number): void {
  if (length > MAX_RECORD_CHARS) {
    throw new FileFormatError('parse', `Invalid NDJSON: line ${line} is longer than ${MAX_RECORD_CHARS} characters.`);
  }
}

function mapLine(raw: string, line: number, options: MapOptions, accumulator: Accumulator): void {
  checkLineLength(raw.length, line);
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.trim() === '') {
    return;
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    accumulator.reject({ file: options.fileName, line, reason: `invalid JSON: ${(error as Error).message}` });
    return;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    accumulator.reject({ file: options.fileName, line, reason: 'not a JSON object' });
    return;
  }

  const object = parsed as Record<string, unknown>;
  const row = readRowValues(options, (field) => readField(object, field));
  if (row.ok) {
    accumulator.addRow(row.key, options.metrics, row.values);
  } else {
    accumulator.reject({ file: options.fileName, line, reason: row.reason });
  }
}

function readField(object: Record<string, unknown>, field: string): Cell {
  const value = Object.prototype.hasOwnProperty.call(object, field) ? object[field] : undefined;
  const name = JSON.stringify(field);

  if (value === undefined || value === null) {
    return { ok: false, reason: `field ${name} is missing or null` };
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return { ok: true, value };
  }
  if (typeof value === 'boolean') {
    return { ok: true, value: String(value) };
  }
  return { ok: false, reason: `field ${name} is a nested ${Array.isArray(value) ? 'array' : 'object'}` };
}
