import { MANIFEST_BLOB_NAME } from '../settings';
import { decodeUtf8Text, utf16ByteOrderMark } from './decode';
import { InvalidInputError } from './errors';
import { MANIFEST_RULES } from './manifest-rules';
import { describeValue } from './truncate';
import type { InputFormat, Manifest } from './types';
import { summaryCsvColumns } from './writers';

export const DEFAULT_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];
export const DEFAULT_CHUNK_SIZE = 500;

const KNOWN_FIELDS = MANIFEST_RULES.map((rule) => rule.field);

/**
 * Parses and validates `_manifest.json` and applies the defaults. Throws InvalidInputError naming the
 * first invalid field, its value and what is allowed. Every field is optional and unknown fields are
 * rejected, so a misspelled field cannot be silently ignored. Bytes must be UTF-8: a malformed sequence
 * is an error, not a replacement character in a column name.
 */
export function parseManifest(content: string | Uint8Array): Manifest {
  const input = parseObject(typeof content === 'string' ? content : decodeManifest(content));

  for (const field of Object.keys(input)) {
    if (!KNOWN_FIELDS.includes(field)) {
      throw new InvalidInputError(
        `Invalid manifest: unknown field ${JSON.stringify(field)}. Known fields: ${KNOWN_FIELDS.join(', ')}.`,
        field,
        input[field],
      );
    }
  }

  for (const rule of MANIFEST_RULES) {
    const value = input[rule.field];
    const problem = value === undefined ? undefined : rule.check(value);
    if (problem) {
      throw new InvalidInputError(
        `Invalid manifest field ${JSON.stringify(rule.field)}: the value ${describeValue(value)} ${problem}. Allowed: ${rule.allowed}.`,
        rule.field,
        value,
      );
    }
  }

  const manifest: Manifest = {
    format: input.format as InputFormat | undefined,
    groupBy: (input.groupBy as string[] | undefined) ?? [],
    metrics: (input.metrics as string[] | undefined) ?? [],
    quantiles: (input.quantiles as number[] | undefined) ?? [...DEFAULT_QUANTILES],
    files: input.files as string[] | undefined,
    toleratedFailurePercentage: (input.toleratedFailurePercentage as number | undefined) ?? 0,
    maxItems: input.maxItems as number | undefined,
    chunkSize: (input.chunkSize as number | undefined) ?? DEFAULT_CHUNK_SIZE,
  };
  checkSummaryColumns(manifest);
  return manifest;
}

/**
 * Rejects a groupBy column named like another column of `summary.csv`: `count`, or `<metric>.<field>` of a metric.
 * Metric columns cannot collide with each other, because the field after the last dot never contains a dot.
 */
function checkSummaryColumns(manifest: Manifest): void {
  const otherColumns = new Set(summaryCsvColumns({ ...manifest, groupBy: [] }));
  const column = manifest.groupBy.find((name) => otherColumns.has(name));
  if (column === undefined) {
    return;
  }
  const other =
    column === 'count'
      ? 'the row count of each group'
      : `the column of metric ${JSON.stringify(column.slice(0, column.lastIndexOf('.')))}`;
  throw new InvalidInputError(
    `Invalid manifest field "groupBy": the column ${JSON.stringify(column)} has the same summary.csv column name as ` +
      `${other}, so the header would be ambiguous. Group by another column, or rename the column in the data files ` +
      'and in groupBy.',
    'groupBy',
    manifest.groupBy,
  );
}

/** Returns the manifest's format, or else the format implied by the file extension (.csv, .ndjson, .jsonl). */
export function formatForFile(name: string, manifest: Pick<Manifest, 'format'>): InputFormat | undefined {
  if (manifest.format) {
    return manifest.format;
  }
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) {
    return 'csv';
  }
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) {
    return 'ndjson';
  }
  return undefined;
}

function decodeManifest(bytes: Uint8Array): string {
  const decoded = decodeUtf8Text(bytes);
  if (decoded.ok) {
    return decoded.text;
  }
  const bom = utf16ByteOrderMark(bytes);
  const found = bom
    ? `it starts with the byte order mark ${bom}`
    : `the byte sequence at offset ${decoded.offset} is malformed`;
  throw new InvalidInputError(
    `Invalid manifest: not valid UTF-8 (${found}). Save ${MANIFEST_BLOB_NAME} as UTF-8 and upload it again.`,
    'manifest',
    Buffer.from(bytes.subarray(decoded.offset, decoded.offset + 4)).toString('hex'),
  );
}

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InvalidInputError(
      `Invalid manifest: not JSON (${(error as Error).message}). Upload a JSON object such as {"groupBy": ["carrier"], "metrics": ["delay"]}.`,
      'manifest',
      text.slice(0, 200),
    );
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInputError(
      `Invalid manifest: expected a JSON object, got ${describeValue(parsed)}.`,
      'manifest',
      parsed,
    );
  }
  return parsed as Record<string, unknown>;
}
