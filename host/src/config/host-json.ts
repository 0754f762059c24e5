import fs from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from './errors';
import { AppSettings, parseJsonFile } from './local-settings';
import { resolveSettingReferences } from './setting-references';
import { parseDuration } from './timespan';

/** `extensions.queues` of host.json, with the Functions host's defaults filled in. */
export interface QueueOptions {
  /** Messages fetched per poll, 1 to 32. @default 16 */
  batchSize: number;
  /** A new batch is fetched when fewer messages than this are still running. @default batchSize / 2 */
  newBatchThreshold: number;
  /** Maximum wait between polls of an empty queue, in milliseconds. @default 60000 */
  maxPollingIntervalMs: number;
  /** Delay before a failed message becomes visible again, in milliseconds. @default 0 */
  visibilityTimeoutMs: number;
  /** Attempts before a message moves to `<queue>-poison`. @default 5 */
  maxDequeueCount: number;
  /** Encoding of message bodies on the queue. @default 'base64' */
  messageEncoding: 'base64' | 'none';
}

export interface HostJsonSettings {
  /** `extensions.http.routePrefix`, without slashes; empty means functions are served from the root. @default 'api' */
  routePrefix: string;
  queues: QueueOptions;
  /** `extensions.durableTask` with `%SETTING%` references resolved. */
  durableTask: Record<string, unknown>;
  /** `functionTimeout` in milliseconds; undefined when it is absent or `-1` (no limit). */
  functionTimeoutMs?: number;
}

/** Reads `host.json` of the app folder; a missing file yields the defaults. */
export function readHostJson(appDir: string, settings: AppSettings): HostJsonSettings {
  const file = path.join(appDir, 'host.json');
  const hostJson = fs.existsSync(file) ? parseJsonFile(file) : {};
  const extensions = objectAt(hostJson.extensions, 'extensions');

  const http = objectAt(extensions.http, 'extensions.http');
  const routePrefix = http.routePrefix ?? 'api';
  if (typeof routePrefix !== 'string') {
    throw new ConfigurationError(
      `host.json extensions.http.routePrefix must be a string, not ${JSON.stringify(routePrefix)}`,
    );
  }

  return {
    routePrefix: routePrefix.replace(/^\/+|\/+$/g, ''),
    functionTimeoutMs: readFunctionTimeout(hostJson.functionTimeout),
    queues: readQueueOptions(objectAt(extensions.queues, 'extensions.queues')),
    durableTask: resolveSettingReferences(
      objectAt(extensions.durableTask, 'extensions.durableTask'),
      settings,
      'host.json extensions.durableTask',
    ),
  };
}

function readQueueOptions(queues: Record<string, unknown>): QueueOptions {
  const batchSize = integerAt(queues.batchSize, 'batchSize', 16, 1, 32);
  const encoding = String(queues.messageEncoding ?? 'base64').toLowerCase();
  if (encoding !== 'base64' && encoding !== 'none') {
    throw new ConfigurationError(
      `host.json extensions.queues.messageEncoding is ${JSON.stringify(queues.messageEncoding)}: use "base64" or "none"`,
    );
  }

  return {
    batchSize,
    newBatchThreshold: integerAt(queues.newBatchThreshold, 'newBatchThreshold', Math.floor(batchSize / 2), 0, 1000),
    maxPollingIntervalMs: durationAt(queues.maxPollingInterval, 'maxPollingInterval', 60000),
    visibilityTimeoutMs: durationAt(queues.visibilityTimeout, 'visibilityTimeout', 0),
    maxDequeueCount: integerAt(queues.maxDequeueCount, 'maxDequeueCount', 5, 1, 1000),
    messageEncoding: encoding,
  };
}

function readFunctionTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '-1' || value === -1) return undefined;
  const ms = parseDuration(value, 'functionTimeout');
  if (ms <= 0) throw new ConfigurationError('host.json functionTimeout must be positive, or "-1" for no limit');
  return ms;
}

function objectAt(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(`host.json ${name} must be an object, not ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function integerAt(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `host.json extensions.queues.${name} is ${JSON.stringify(value)}: use an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function durationAt(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  return parseDuration(value, `extensions.queues.${name}`);
}
