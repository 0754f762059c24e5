import { MANIFEST_BLOB_NAME } from '../settings';
import { quantileField } from './quantile-field';
import { describeValue } from './truncate';

/** Maximum length of a blob name in Azure Storage, in characters. */
const MAX_BLOB_NAME = 1024;

/**
 * Maximum `chunkSize`, 10 times the default. A chunk's file list is one blob that each of its map activities reads
 * whole, and all its map activities fan out from one orchestration whose history grows with each of them.
 */
export const MAX_CHUNK_SIZE = 5000;

/** One validation rule of a manifest field: what is allowed, and a check returning the problem or undefined. */
export interface FieldRule {
  field: string;
  allowed: string;
  check(value: unknown): string | undefined;
}

/** Bounds of a numeric field. With `exclusive`, a value equal to either bound is out of range. */
interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
  exclusive?: boolean;
}

export const MANIFEST_RULES: readonly FieldRule[] = [
  {
    field: 'format',
    allowed: '"csv" or "ndjson"; leave it out to choose by file extension',
    check: checkFormat,
  },
  { field: 'groupBy', allowed: 'an array of distinct, non-empty column names', check: checkNames },
  { field: 'metrics', allowed: 'an array of distinct, non-empty numeric column names', check: checkNames },
  {
    field: 'quantiles',
    allowed: 'an array of distinct numbers greater than 0 and less than 1, such as [0.5, 0.95, 0.99]',
    check: checkQuantiles,
  },
  {
    field: 'files',
    allowed:
      `a non-empty array of distinct blob names relative to input/<batchId>/, without ".." segments, ` +
      `a leading "/" or ${MANIFEST_BLOB_NAME}`,
    check: checkFiles,
  },
  {
    field: 'toleratedFailurePercentage',
    allowed: 'a number from 0 to 100',
    check: (value) => checkNumber(value, { min: 0, max: 100 }),
  },
  {
    field: 'maxItems',
    allowed: `a positive integer up to ${describeLimit(Number.MAX_SAFE_INTEGER)}`,
    check: (value) => checkNumber(value, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true }),
  },
  {
    field: 'chunkSize',
    allowed: `an integer from 1 to ${MAX_CHUNK_SIZE} (files per sub-orchestration)`,
    check: (value) => checkNumber(value, { min: 1, max: MAX_CHUNK_SIZE, integer: true }),
  },
];

function checkFormat(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return 'is not a string';
  }
  return value === 'csv' || value === 'ndjson' ? undefined : 'is not a known format';
}

/**
 * Checks the type first, then finiteness, then integrality, then the range, so each message names the first rule
 * broken. JSON.parse reads a number beyond the range of a double, such as 1e400, as Infinity.
 */
function checkNumber(value: unknown, range: NumberRange): string | undefined {
  if (typeof value !== 'number') {
    return 'is not a number';
  }
  if (!Number.isFinite(value)) {
    return 'is not a finite number: a JSON number beyond the range of a double, such as 1e400, reads as Infinity';
  }
  if (range.integer && !Number.isInteger(value)) {
    return 'is not an integer';
  }
  const inRange = range.exclusive ? value > range.min && value < range.max : value >= range.min && value <= range.max;
  if (inRange) {
    return undefined;
  }
  if (range.exclusive) {
    return `is out of range: it must be greater than ${range.min} and less than ${range.max}`;
  }
  return `is out of range: it must be from ${range.min} to ${describeLimit(range.max)}`;
}

/** Names a bound, with 2^53 - 1 spelled out: a larger integer has no exact double, so JSON cannot carry it exactly. */
function describeLimit(limit: number): string {
  return limit === Number.MAX_SAFE_INTEGER ? `${limit} (2^53 - 1)` : String(limit);
}

function checkList(value: unknown, checkItem: (item: unknown) => string | undefined): string | undefined {
  if (!Array.isArray(value)) {
    return 'is not an array';
  }
  // A Set keeps the duplicate check linear: a manifest may list hundreds of thousands of files.
  const seen = new Set<unknown>();
  for (const [index, item] of value.entries()) {
    const problem = checkItem(item);
    if (problem) {
      return `has item ${index} = ${describeValue(item)}, which ${problem}`;
    }
    if (seen.has(item)) {
      return `has item ${index} = ${describeValue(item)}, which is a duplicate`;
    }
    seen.add(item);
  }
  return undefined;
}

function checkNames(value: unknown): string | undefined {
  return checkList(value, (item) => {
    if (typeof item !== 'string') {
      return 'is not a string';
    }
    return item.length > 0 ? undefined : 'is an empty string';
  });
}

function checkQuantiles(value: unknown): string | undefined {
  const problem = checkList(value, (item) => checkNumber(item, { min: 0, max: 1, exclusive: true }));
  if (problem) {
    return problem;
  }

  const fields = (value as number[]).map(quantileField);
  const repeated = fields.find((field, index) => fields.indexOf(field) !== index);
  return repeated ? `has two quantiles that share the summary field ${repeated}` : undefined;
}

function checkFiles(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length === 0) {
    return 'is an empty array: list at least one file, or remove "files" to take every blob under the prefix';
  }
  return checkList(value, (item) => {
    if (typeof item !== 'string') {
      return 'is not a string';
    }
    if (item.length === 0 || item.length > MAX_BLOB_NAME) {
      return `has ${item.length} characters, out of range: a blob name has 1 to ${MAX_BLOB_NAME}`;
    }
    if (item.startsWith('/') || item.startsWith('\\')) {
      return 'starts with a slash, which would leave the batch prefix';
    }
    if (item.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
      return 'has a "." or ".." segment, which could leave the batch prefix';
    }
    return item === MANIFEST_BLOB_NAME ? 'is the manifest itself' : undefined;
  });
}
