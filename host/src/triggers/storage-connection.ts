import { ConfigurationError } from '../config/errors';
import type { AppSettings } from '../config/local-settings';

/**
 * Retries of each storage call, kept short because the listeners and watchers retry on their own schedule.
 * With the SDK default of four tries and exponential delays, a missing Azurite took about 16 s to report.
 */
export const STORAGE_CLIENT_OPTIONS = { retryOptions: { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 2000 } };

/** The connection the Functions host uses when a binding names none. */
export const DEFAULT_CONNECTION = 'AzureWebJobsStorage';

/**
 * Resolves a binding's `connection` to a connection string the way the Functions host does: the setting of
 * that name, else `AzureWebJobs<name>`. Identity-based connections (`<name>__accountName`, `__queueServiceUri`)
 * need Azure credentials, which Azurite does not accept, so they are rejected with a clear message.
 */
export function resolveConnectionString(connection: unknown, settings: AppSettings, usedBy: string): string {
  const name = typeof connection === 'string' && connection !== '' ? connection : DEFAULT_CONNECTION;
  const value = settings[name] ?? settings[`AzureWebJobs${name}`];
  if (value) return value;

  const identityBased = Object.keys(settings).some((key) => key.startsWith(`${name}__`));
  const hint = identityBased
    ? `identity-based settings (${name}__...) are not supported locally; set ${name} to an Azurite connection string`
    : `set ${name} in local.settings.json Values or the environment, for example to "UseDevelopmentStorage=true"`;
  throw new ConfigurationError(`${usedBy} uses connection "${name}", which is not set: ${hint}`);
}

/** A storage account named by a connection setting did not respond or rejected the host's request. */
export class StorageConnectionError extends Error {
  override name = 'StorageConnectionError';
}

/**
 * Runs a start-up storage call and rewrites its failure as one line naming the resource and its URL, for
 * example when Azurite is not running.
 */
export async function withStorageContext<T>(resource: string, url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new StorageConnectionError(
      `${resource} at ${url} is not reachable (${reason}): start Azurite or fix the connection setting`,
    );
  }
}
