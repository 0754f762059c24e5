import path from 'node:path';
import type { Logger } from 'pino';
import type { AppSettings } from '../config/local-settings';
import type { HttpRouteHandler } from '../contracts';
import { readDurableSettings } from '../durable/settings';
import { BlobReader, createBlobReader } from './blob-reader';
import { batchFileNamer } from './batch-file-names';
import { createDashboardHandler } from './dashboard-handler';
import { TaskHubSource } from './task-hub-source';

export interface HostDashboardOptions {
  /** Host state folder; the durable engine keeps the task hub in `<dataDir>/<hubName>.sqlite`. */
  dataDir: string;
  /** host.json `extensions.durableTask`, `%SETTING%` references resolved. */
  durableTask: Record<string, unknown>;
  /** App settings; the connection named by `dataConnection` gives access to results and file lists. */
  settings: AppSettings;
  /** App setting with the data storage connection string. @default 'DataStorage' */
  dataConnection?: string;
  logger?: Logger;
}

/**
 * Creates the dashboard for a running host: it reads the task hub file that the durable engine writes, and
 * result and file-list blobs through the app's data storage connection when that is a connection string.
 */
export function createHostDashboard(options: HostDashboardOptions): HttpRouteHandler {
  const { hubName } = readDurableSettings(options.durableTask);
  const readBlob = dataBlobReader(options);

  return createDashboardHandler({
    source: new TaskHubSource(path.join(options.dataDir, `${hubName}.sqlite`)),
    nameActivities: readBlob ? batchFileNamer(readBlob) : undefined,
    readResult: readBlob ? (batchId) => readBlob('results', `${batchId}/summary.json`) : undefined,
    logger: options.logger,
  });
}

function dataBlobReader(options: HostDashboardOptions): BlobReader | undefined {
  const name = options.dataConnection ?? 'DataStorage';
  const connectionString = options.settings[name] ?? options.settings.AzureWebJobsStorage;
  if (!connectionString) {
    options.logger?.warn({ setting: name }, 'dashboard shows no file names or results: the data connection is not set');
    return undefined;
  }
  return createBlobReader(connectionString);
}
