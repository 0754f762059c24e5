import { MANIFEST_BLOB_NAME } from '../settings';
import { quantileField } from './quantile-field';

/** Maximum length of a blob name in Azure Storage, in characters. */
const MAX_BLOB_NAME = 1024;

/** One validation rule of a manifest field: what is allowed, and a check returning the problem or undefined. */
export interface FieldRule {
  field: string;
  allowed: string;
  check(value: unknown): string | undefined;
}

export const MANIFEST_RULES: readonly FieldRule[] = [
  {
    field: 'format',
    allowed: '"csv" or "ndjson"; leave it out to choose by file extension',
    check: (value) => (value === 'csv' || value === 'ndjson' ? undefined : 'is not a known format'),
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
    allowed: `an array of distinct blob names relative to input/<batchId>/, without ".." segments, a leading "/" or ${MANIFEST_BLOB_NAME}`,
    check: checkFiles,
  },
  {
    field: 'toleratedFailurePercentage',
    allowed: 'a number from 0 to 100',
    check: (value) => (typeof value === 'number' && value >= 0 && value <= 100 ? undefined : 'is out of range'),
  },
  { field: 'maxItems', allowed: 'a positive integer', check: checkPositiveInteger },
  { field: 'chunkSize', allowed: 'a positive integer (files per sub-orchestration)', check: checkPositiveInteger },
];

function checkPositiveInteger(value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) > 0 ? undefined : 'is not a positive integer';
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
      return `has item ${index} = ${JSON.stringify(item)}, which ${problem}`;
    }
    if (seen.has(item)) {
      return `has item ${index} = ${JSON.stringify(item)}, which is a duplicate`;
    }
    seen.add(item);
  }
  return undefined;
}

function checkNames(value: unknown): string | undefined {
  return checkList(value, (item) =>
    typeof item === 'string' && item.length > 0 ? undefined : 'is not a non-empty string',
  );
}

function checkQuantiles(value: unknown): string | undefined {
  const problem = checkList(value, (item) =>
    typeof item === 'number' && item > 0 && item < 1 ? undefined : 'is not a number between 0 and 1 exclusive',
  );
  if (problem) {
    return problem;
  }

  const fields = (value as number[]).map(quantileField);
  const repeated = fields.find((field, index) => fields.indexOf(field) !== index);
  return repeated ? `has two quantiles that share the summary field ${repeated}` : undefined;
}

function checkFiles(value: unknown): string | undefined {
  return checkList(value, (item) => {
    if (typeof item !== 'string' || item.length === 0 || item.length > MAX_BLOB_NAME) {
      return `is not a string of 1 to ${MAX_BLOB_NAME} characters`;
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
