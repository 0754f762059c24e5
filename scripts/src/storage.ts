import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { azuriteConnectionString } from './azurite';
import { CliError, describeError } from './errors';
import { BLOB_CREATED_QUEUE, DATA_CONNECTION, DEFAULT_PORTS, HOST_CONNECTION, INPUT_CONTAINER } from './names';
import { RESULTS_CONTAINER, WORK_CONTAINER } from './names';

export interface StorageOptions {
  /** A storage connection string (Azurite or an account with shared keys). */
  connectionString?: string;
  /** An Azure storage account name, reached with `DefaultAzureCredential` (Microsoft Entra ID). */
  account?: string;
  /** Source of the account or connection string as a phrase for error messages, such as `the connection string from --connection-string`. */
  origin?: string;
}

export interface Storage {
  blobs: BlobServiceClient;
  /**
   * Opens the queue service. It is created on first use, because only the stack needs a queue and a connection
   * string with a BlobEndpoint but no QueueEndpoint is enough for the CLI.
   */
  queues(): QueueServiceClient;
  /** Blob endpoint URL, used in error messages. */
  endpoint: string;
  /** Source of the endpoint, used in error messages. */
  origin?: string;
}

/**
 * Opens the data storage account: an explicit account or connection string first, then the
 * `DataStorage` and `AzureWebJobsStorage` settings, then Azurite on its default ports.
 */
export function openStorage(options: StorageOptions = {}): Storage {
  if (options.account) {
    // NOTE: the tests run against Azurite only, so this Entra ID path is checked by type only.
    const credential = new DefaultAzureCredential();
    const blobs = new BlobServiceClient(`https://${options.account}.blob.core.windows.net`, credential);
    const queues = () => new QueueServiceClient(`https://${options.account}.queue.core.windows.net`, credential);
    return { blobs, queues, endpoint: blobs.url, origin: options.origin };
  }
  const connectionString =
    options.connectionString ??
    process.env[DATA_CONNECTION] ??
    process.env[HOST_CONNECTION] ??
    azuriteConnectionString(DEFAULT_PORTS.blob, DEFAULT_PORTS.queue, DEFAULT_PORTS.table);
  const invalid = (error: unknown) => {
    const origin = options.origin ? ` (${options.origin})` : '';
    return new CliError(`invalid storage connection string${origin}: ${describeError(error)}`);
  };
  let blobs: BlobServiceClient;
  try {
    blobs = BlobServiceClient.fromConnectionString(connectionString);
  } catch (error) {
    throw invalid(error);
  }
  const queues = () => {
    try {
      return QueueServiceClient.fromConnectionString(connectionString);
    } catch (error) {
      throw invalid(error);
    }
  };
  return { blobs, queues, endpoint: blobs.url, origin: options.origin };
}

/** Runs a storage call and replaces an unreachable endpoint or a denied request with a one-line CliError. */
export async function withStorage<T>(storage: Storage, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError) throw error;
    const text = describeError(error);
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/.test(text)) {
      const origin = storage.origin ? `, ${storage.origin}` : '';
      throw new CliError(
        `cannot reach storage at ${storage.endpoint}${origin}: start the local stack with 'npm start', ` +
          'pass --data DIR of the running stack, or pass --connection-string or --account',
      );
    }
    throw new CliError(`storage request to ${storage.endpoint} failed: ${text}`);
  }
}

/** Creates the containers and the queue the Function App reads and writes, if they are missing. */
export async function ensureStorageResources(storage: Storage): Promise<void> {
  await withStorage(storage, async () => {
    for (const name of [INPUT_CONTAINER, RESULTS_CONTAINER, WORK_CONTAINER]) {
      await storage.blobs.getContainerClient(name).createIfNotExists();
    }
    await storage.queues().getQueueClient(BLOB_CREATED_QUEUE).createIfNotExists();
  });
}

export function inputContainer(storage: Storage): ContainerClient {
  return storage.blobs.getContainerClient(INPUT_CONTAINER);
}

export function resultsContainer(storage: Storage): ContainerClient {
  return storage.blobs.getContainerClient(RESULTS_CONTAINER);
}
