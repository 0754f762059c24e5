import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiOptions } from './api';
import { DATA_CONNECTION, DEFAULT_PORTS, HOST_CONNECTION } from './names';
import { openStorage, Storage } from './storage';
import { StackRecord, stackRecordPath } from './stack';

/** Options every CLI command accepts: where the Function App and its data storage are. */
export interface GlobalFlags {
  url?: string;
  key?: string;
  connectionString?: string;
  account?: string;
  data?: string;
}

export function apiOptions(flags: GlobalFlags): ApiOptions {
  return { url: flags.url ?? `http://127.0.0.1:${DEFAULT_PORTS.api}`, key: flags.key };
}

/**
 * Data storage: --account (Entra ID), then --connection-string, then the DataStorage and
 * AzureWebJobsStorage settings, then the Azurite that `npm start` recorded, then Azurite's default ports.
 */
export function storageFor(flags: GlobalFlags): Storage {
  if (flags.account) return openStorage({ account: flags.account });
  const connectionString =
    flags.connectionString ?? process.env[DATA_CONNECTION] ?? process.env[HOST_CONNECTION] ?? recordedConnection(flags);
  return openStorage({ connectionString });
}

function recordedConnection(flags: GlobalFlags): string | undefined {
  try {
    const file = stackRecordPath(path.resolve(flags.data ?? '.data'));
    return (JSON.parse(readFileSync(file, 'utf8')) as StackRecord).connectionString || undefined;
  } catch {
    return undefined;
  }
}
