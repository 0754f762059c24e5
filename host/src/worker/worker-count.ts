import { ConfigurationError } from '../config/errors';
import type { AppSettings } from '../config/local-settings';

/** App setting with the number of language worker processes in Azure. Here it sets the number of app worker threads. */
export const WORKER_COUNT_SETTING = 'FUNCTIONS_WORKER_PROCESS_COUNT';
/** Range of `FUNCTIONS_WORKER_PROCESS_COUNT` in the Azure Functions app settings reference (default 1, max 10). */
export const MIN_WORKER_COUNT = 1;
export const MAX_WORKER_COUNT = 10;

/** Parses a worker count written as decimal digits. Returns undefined for other text or a count out of range. */
export function parseWorkerCount(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  return checkWorkerCount(Number(trimmed));
}

function checkWorkerCount(value: number): number | undefined {
  const valid = Number.isInteger(value) && value >= MIN_WORKER_COUNT && value <= MAX_WORKER_COUNT;
  return valid ? value : undefined;
}

/**
 * Returns the number of app worker threads: the `workers` option (the CLI's `--workers`) when given, else the
 * app setting `FUNCTIONS_WORKER_PROCESS_COUNT`, else 1. Raises `ConfigurationError` naming an invalid value.
 */
export function resolveWorkerCount(option: number | undefined, settings: AppSettings): number {
  const range = `an integer from ${MIN_WORKER_COUNT} to ${MAX_WORKER_COUNT}`;
  if (option !== undefined) {
    const count = checkWorkerCount(option);
    if (count === undefined) throw new ConfigurationError(`invalid worker count ${option}: use ${range}`);
    return count;
  }

  const setting = settings[WORKER_COUNT_SETTING];
  if (setting === undefined || setting.trim() === '') return MIN_WORKER_COUNT;
  const count = parseWorkerCount(setting);
  if (count === undefined) {
    throw new ConfigurationError(
      `invalid app setting ${WORKER_COUNT_SETTING}="${setting}": set it to ${range}, or pass --workers`,
    );
  }
  return count;
}
