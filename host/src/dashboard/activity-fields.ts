/**
 * Reads the fields the dashboard shows from activity inputs and results, whose shapes belong to the app. Any
 * app works: unknown shapes fall back to the raw value as text.
 */

const LABEL_KEYS = ['blobName', 'blob', 'file', 'fileName', 'name', 'path'];
const MAX_LABEL_LENGTH = 200;

/**
 * Returns a short text naming what an activity worked on, such as the blob name a map activity read, or an empty
 * string when its input names nothing the dashboard recognizes.
 */
export function activityLabel(input: unknown): string {
  if (typeof input === 'string') return truncate(input);
  if (isObject(input)) {
    for (const key of LABEL_KEYS) {
      const value = input[key];
      if (typeof value === 'string' && value.length > 0) return truncate(value);
    }
    return typeof input.fileIndex === 'number' ? `file #${input.fileIndex}` : '';
  }
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return '';
}

/** Returns the number of rows an activity reports having read, or 0 when its result has none. */
export function activityRows(result: unknown): number {
  if (!isObject(result)) return 0;
  for (const candidate of [result, result.partial, result.counts, result.stats]) {
    if (isObject(candidate) && typeof candidate.rows === 'number' && Number.isFinite(candidate.rows)) {
      return candidate.rows;
    }
  }
  return 0;
}

/**
 * Returns how many items an activity finished and how many of them failed. A result with numeric `files` and
 * `failed`, such as a map group's result, counts those. Any other result counts as one item, failed when it is a
 * typed error.
 */
export function activityItems(result: unknown): { done: number; failed: number } {
  if (isObject(result) && isCount(result.files) && isCount(result.failed) && result.failed <= result.files) {
    return { done: result.files, failed: result.failed };
  }
  return { done: 1, failed: typedErrorMessage(result) === null ? 0 : 1 };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Returns the message of a typed error result: an activity that completed but reports its input as unusable,
 * either as `{ ok: false, kind, message }` or as `{ error: { kind, message } }`.
 */
export function typedErrorMessage(result: unknown): string | null {
  if (!isObject(result)) return null;
  if (result.ok === false) return kindAndMessage(result);

  const error = result.error;
  if (typeof error === 'string' && error.length > 0) return error;
  return isObject(error) ? kindAndMessage(error) : null;
}

function kindAndMessage(error: Record<string, unknown>): string {
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
  return typeof error.kind === 'string' ? `${error.kind}: ${message}` : message;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truncate(text: string): string {
  return text.length > MAX_LABEL_LENGTH ? `${text.slice(0, MAX_LABEL_LENGTH - 1)}…` : text;
}
