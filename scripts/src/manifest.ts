import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';
import { MANIFEST_BLOB_NAME } from './names';

/** The `_manifest.json` document as written to storage; every field is optional and the app fills defaults. */
export interface ManifestDocument {
  format?: 'csv' | 'ndjson';
  groupBy?: string[];
  metrics?: string[];
  quantiles?: number[];
  files?: string[];
  toleratedFailurePercentage?: number;
  maxItems?: number;
}

/** Manifest fields that can be given as command-line flags. */
export interface ManifestFlags {
  format?: string;
  groupBy?: string;
  metrics?: string;
  quantiles?: string;
  toleratedFailurePercentage?: string;
}

/** Reads `DIR/_manifest.json` if present and applies the flags on top of it. */
export async function loadManifest(dir: string, flags: ManifestFlags): Promise<ManifestDocument> {
  const file = path.join(dir, MANIFEST_BLOB_NAME);
  let manifest: ManifestDocument = {};
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(file);
  } catch {
    bytes = undefined;
  }
  if (bytes !== undefined) manifest = parseManifest(decodeManifest(bytes, file), file);
  return { ...manifest, ...manifestFromFlags(flags) };
}

/**
 * Decodes the manifest as strict UTF-8, dropping a UTF-8 byte order mark as the app does, so that a byte the app
 * would reject is reported here instead of being uploaded as U+FFFD.
 */
function decodeManifest(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const mark = bytes[0] === 0xff ? 'FF FE' : 'FE FF';
    throw new CliError(
      `invalid manifest ${file}: it is UTF-16 (it starts with the byte order mark ${mark}), ` +
        'and the app reads only UTF-8: save the file as UTF-8 and upload again',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(
      `invalid manifest ${file}: not valid UTF-8 (the byte sequence at offset ${malformedUtf8Offset(bytes)} is ` +
        'malformed): save the file as UTF-8 and upload again',
    );
  }
}

/** Returns the byte offset of the first malformed UTF-8 sequence, or the length when every sequence is well formed. */
export function malformedUtf8Offset(bytes: Uint8Array): number {
  let offset = 0;
  while (offset < bytes.length) {
    const lead = bytes[offset];
    if (lead < 0x80) {
      offset += 1;
      continue;
    }
    const [length, low, high] = utf8Sequence(lead);
    if (length === 0) return offset;
    for (let index = 1; index < length; index += 1) {
      const byte = bytes[offset + index];
      const [min, max] = index === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return offset;
    }
    offset += length;
  }
  return offset;
}

/**
 * Returns the length of the UTF-8 sequence that starts with this lead byte and the range of its second byte, which
 * excludes overlong forms, surrogates and code points above U+10FFFF. The length is 0 for a byte that starts none.
 */
function utf8Sequence(lead: number): [number, number, number] {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return [0, 0, 0];
}

function parseManifest(text: string, file: string): ManifestDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`invalid JSON in ${file}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`invalid manifest ${file}: expected a JSON object such as {"groupBy":["origin"]}`);
  }
  const infinite = nonFiniteNumber(value, '');
  if (infinite) {
    // JSON.stringify would upload the number as null, and the app would then report null instead of the number.
    throw new CliError(
      `invalid manifest ${file}: field "${infinite.field}" is ${infinite.value}, not a finite number: a JSON number ` +
        'beyond the range of a double, such as 1e400, reads as Infinity; use a smaller number',
    );
  }
  return value as ManifestDocument;
}

/** Finds the first number that is not finite in a parsed JSON value, with its path such as `quantiles[1]`. */
function nonFiniteNumber(value: unknown, field: string): { field: string; value: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { field, value };
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [`${field}[${index}]`, item] as const)
    : Object.entries(value).map(([key, item]) => [field ? `${field}.${key}` : key, item] as const);
  for (const [itemField, item] of entries) {
    const found = nonFiniteNumber(item, itemField);
    if (found) return found;
  }
  return undefined;
}

function manifestFromFlags(flags: ManifestFlags): ManifestDocument {
  const manifest: ManifestDocument = {};
  if (flags.format !== undefined) {
    if (flags.format !== 'csv' && flags.format !== 'ndjson') {
      throw new CliError(`invalid --format '${flags.format}': use csv or ndjson`);
    }
    manifest.format = flags.format;
  }
  if (flags.groupBy !== undefined) manifest.groupBy = splitList(flags.groupBy, '--group-by');
  if (flags.metrics !== undefined) manifest.metrics = splitList(flags.metrics, '--metrics');
  if (flags.quantiles !== undefined) {
    manifest.quantiles = splitList(flags.quantiles, '--quantiles').map((q) => parseQuantile(q));
  }
  if (flags.toleratedFailurePercentage !== undefined) {
    const text = flags.toleratedFailurePercentage;
    const value = parseDecimal(text);
    if (value === undefined || value > 100) {
      throw new CliError(
        `invalid --tolerated-failure-percentage '${text}': use a decimal number from 0 to 100, such as 5 or 2.5`,
      );
    }
    manifest.toleratedFailurePercentage = value;
  }
  return manifest;
}

/**
 * Joins the values of a list option given more than once with a comma, so that `--group-by a --group-by b` is
 * `--group-by a,b`. Commander calls it with the previous value, which is undefined for the first occurrence.
 */
export function appendListOption(value: string, previous: string | undefined): string {
  return previous === undefined ? value : `${previous},${value}`;
}

/** Splits a comma-separated option value; an empty value or an empty item is an error. */
function splitList(value: string, flag: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item.length === 0)) {
    throw new CliError(
      `invalid ${flag} '${value}': empty item in the list; separate items with single commas, such as a,b, ` +
        'or leave the option out',
    );
  }
  return items;
}

/** Parses a non-negative decimal number such as `5`, `2.5` or `.5`; returns undefined for hex, exponents or spaces. */
function parseDecimal(text: string): number | undefined {
  return /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : undefined;
}

function parseQuantile(text: string): number {
  const value = parseDecimal(text);
  if (value === undefined || !(value > 0 && value < 1))
    throw new CliError(`invalid quantile '${text}': use numbers between 0 and 1, such as 0.5,0.99`);
  return value;
}
