import * as df from 'durable-functions';

/** First retry after this many milliseconds, doubling up to `MAX_RETRY_INTERVAL_MS`. */
export const FIRST_RETRY_INTERVAL_MS = 2000;
export const MAX_RETRY_INTERVAL_MS = 30000;
/** Attempts in total, the first included. */
export const MAX_ATTEMPTS = 5;

/**
 * Retry policy of every activity call. Activities throw only for transient failures (storage unavailable,
 * throttling, timeouts); bad data is returned as a typed result and never retried.
 */
export function activityRetryOptions(): df.RetryOptions {
  const options = new df.RetryOptions(FIRST_RETRY_INTERVAL_MS, MAX_ATTEMPTS);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = MAX_RETRY_INTERVAL_MS;
  return options;
}
