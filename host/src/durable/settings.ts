import os from 'node:os';
import { InvalidSettingError } from './errors';
import { parseTimeSpan } from './timespan';

/** The host.json `extensions.durableTask` values the engine honours, with defaults applied. */
export interface DurableSettings {
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  maxConcurrentEntityFunctions: number;
  /** Maximum batch of operations one entity invocation receives. @default 50 */
  maxEntityOperationBatchSize: number;
  /** `ExecutionStarted.Version` of orchestrations started without a version. @default '' */
  defaultVersion: string;
  /** Milliseconds; sent to the SDK as `maximumShortTimerDuration`. @default 6 days (Azure Storage) */
  maximumShortTimerDurationMs: number;
  /** Milliseconds; sent to the SDK as `longRunningTimerIntervalDuration`. @default 3 days (Azure Storage) */
  longRunningTimerIntervalMs: number;
  /** `httpSettings.defaultAsyncRequestSleepTimeMilliseconds`. @default 30000 */
  defaultAsyncRequestSleepTimeMs: number;
  /** True when `overridableExistingInstanceStates` is `AnyState`. */
  overrideRunningInstances: boolean;
  maxOrchestrationActions: number;
  localRpcEndpointEnabled: boolean;
  /** Local-only: an activity result larger than this fails the activity. @default 1 MiB */
  maxActivityOutputBytes: number;
  /** Local-only: failure messages are stored cut to this many bytes. @default 4096 */
  maxErrorMessageBytes: number;
  /**
   * Local-only: an instance with activities in flight waits for at least historyLength / this many new
   * messages before its next episode, so a fan-out of N costs O(N) replayed events. @default 10
   */
  episodeBatchDivisor: number;
  /** Local-only: the longest a pending message waits for that batch to fill. @default 500 */
  episodeBatchMaxWaitMs: number;
}

const day = 24 * 3600 * 1000;

function positiveInteger(settings: Record<string, unknown>, key: string, fallback: number): number {
  const value = settings[key];
  if (value === undefined || value === null) {
    return fallback;
  }
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    throw new InvalidSettingError(
      `Invalid extensions.durableTask.${key}: ${JSON.stringify(value)}. Use a positive integer.`,
    );
  }
  return number;
}

function timeSetting(settings: Record<string, unknown>, key: string, fallback: number): number {
  const storage = (settings.storageProvider ?? {}) as Record<string, unknown>;
  const value = settings[key] ?? storage[key];
  return value === undefined ? fallback : parseTimeSpan(value, `extensions.durableTask.${key}`);
}

/** Reads `extensions.durableTask` (already `%SETTING%`-resolved) and applies the extension's defaults. */
export function readDurableSettings(settings: Record<string, unknown>): DurableSettings {
  const cores = Math.max(1, os.cpus().length);
  const http = (settings.httpSettings ?? {}) as Record<string, unknown>;
  const hubName = settings.hubName ?? process.env.WEBSITE_SITE_NAME ?? 'TestHubName';
  if (typeof hubName !== 'string' || !/^[A-Za-z][A-Za-z0-9]{2,49}$/.test(hubName)) {
    throw new InvalidSettingError(
      `Invalid extensions.durableTask.hubName: ${JSON.stringify(hubName)}. Use 3 to 50 letters and digits, starting with a letter.`,
    );
  }
  const maximumShortTimerDurationMs = timeSetting(settings, 'maximumShortTimerDuration', 6 * day);
  const longRunningTimerIntervalMs = timeSetting(settings, 'longRunningTimerIntervalDuration', 3 * day);
  if (longRunningTimerIntervalMs > maximumShortTimerDurationMs) {
    throw new InvalidSettingError(
      'Invalid extensions.durableTask.longRunningTimerIntervalDuration: it must not exceed maximumShortTimerDuration.',
    );
  }
  return {
    hubName,
    maxConcurrentActivityFunctions: positiveInteger(settings, 'maxConcurrentActivityFunctions', 10 * cores),
    maxConcurrentOrchestratorFunctions: positiveInteger(settings, 'maxConcurrentOrchestratorFunctions', 10 * cores),
    maxConcurrentEntityFunctions: positiveInteger(settings, 'maxConcurrentEntityFunctions', 10 * cores),
    maxEntityOperationBatchSize: positiveInteger(settings, 'maxEntityOperationBatchSize', 50),
    defaultVersion: typeof settings.defaultVersion === 'string' ? settings.defaultVersion : '',
    maximumShortTimerDurationMs,
    longRunningTimerIntervalMs,
    defaultAsyncRequestSleepTimeMs: positiveInteger(http, 'defaultAsyncRequestSleepTimeMilliseconds', 30000),
    overrideRunningInstances: String(settings.overridableExistingInstanceStates ?? '').toLowerCase() === 'anystate',
    maxOrchestrationActions: positiveInteger(settings, 'maxOrchestrationActions', 100000),
    localRpcEndpointEnabled: settings.localRpcEndpointEnabled !== false,
    maxActivityOutputBytes: positiveInteger(settings, 'maxActivityOutputBytes', 1024 * 1024),
    maxErrorMessageBytes: positiveInteger(settings, 'maxErrorMessageBytes', 4096),
    episodeBatchDivisor: positiveInteger(settings, 'episodeBatchDivisor', 10),
    episodeBatchMaxWaitMs: positiveInteger(settings, 'episodeBatchMaxWaitMs', 500),
  };
}
