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
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) manifest = parseManifest(text, file);
  return { ...manifest, ...manifestFromFlags(flags) };
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
  return value as ManifestDocument;
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
