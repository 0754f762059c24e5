import { DefaultAzureCredential, ManagedIdentityCredential, TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { DATA_CONNECTION } from '../settings';
import { IdentityConnection, resolveConnection, SettingsSource, StorageConnection } from './connection';

interface CachedClients {
  blob?: BlobServiceClient;
  queue?: QueueServiceClient;
  credential?: TokenCredential;
}

/** Keyed by connection name and resolved settings, so changed settings (tests, several hosts) get new clients. */
const cache = new Map<string, CachedClients>();

function entryFor(name: string, connection: StorageConnection): CachedClients {
  const key = `${name}\n${JSON.stringify(connection)}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = {};
    cache.set(key, entry);
  }
  return entry;
}

/** Builds the credential of an identity-based connection: a managed identity when configured, else the default chain. */
export function createCredential(connection: IdentityConnection): TokenCredential {
  if (connection.credential?.toLowerCase() === 'managedidentity') {
    return connection.clientId
      ? new ManagedIdentityCredential({ clientId: connection.clientId })
      : new ManagedIdentityCredential();
  }
  return new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : undefined);
}

function credentialFor(entry: CachedClients, connection: IdentityConnection): TokenCredential {
  entry.credential ??= createCredential(connection);
  return entry.credential;
}

/** Returns the cached blob service client of a Functions connection (`DataStorage` unless named). */
export function getBlobServiceClient(
  name = DATA_CONNECTION,
  settings: SettingsSource = process.env,
): BlobServiceClient {
  const connection = resolveConnection(name, settings);
  const entry = entryFor(name, connection);
  if (!entry.blob) {
    entry.blob =
      connection.kind === 'connectionString'
        ? BlobServiceClient.fromConnectionString(connection.connectionString)
        : new BlobServiceClient(connection.blobServiceUri, credentialFor(entry, connection));
  }
  return entry.blob;
}

/** Returns the cached queue service client of a Functions connection (`DataStorage` unless named). */
export function getQueueServiceClient(
  name = DATA_CONNECTION,
  settings: SettingsSource = process.env,
): QueueServiceClient {
  const connection = resolveConnection(name, settings);
  const entry = entryFor(name, connection);
  if (!entry.queue) {
    entry.queue =
      connection.kind === 'connectionString'
        ? QueueServiceClient.fromConnectionString(connection.connectionString)
        : new QueueServiceClient(connection.queueServiceUri, credentialFor(entry, connection));
  }
  return entry.queue;
}
