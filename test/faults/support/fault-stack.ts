import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunningAzurite, startAzurite } from '../../../scripts/src/azurite';
import { HostCli, HostCliOptions, startHostCli } from './host-cli';
import { freePort } from './ports';

export interface FaultStack {
  azurite: RunningAzurite;
  blobs: BlobServiceClient;
  queues: QueueServiceClient;
  host: HostCli;
  workDir: string;
  dataDir: string;
  logFile: string;
  /** Kills the host with SIGKILL and starts it again on the same port and data folder. */
  restartHost(): Promise<HostCli>;
  stop(): Promise<void>;
}

export interface FaultStackOptions extends Partial<
  Pick<HostCliOptions, 'appDir' | 'blobEvents' | 'extraArgs' | 'port'>
> {
  /** Keep Azurite's data in a folder instead of memory. @default false */
  persistentAzurite?: boolean;
  /** Connection string the host gets for Azurite. @default the shared key connection string */
  hostConnectionString?: (azurite: RunningAzurite) => string;
}

/** Starts Azurite and the host CLI as child processes, with the host's data folder and log in a new temp folder. */
export async function startFaultStack(name: string, options: FaultStackOptions = {}): Promise<FaultStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `faults-${name}-`));
  const dataDir = path.join(workDir, 'data');
  const logFile = path.join(workDir, 'host.log');
  const location = options.persistentAzurite ? path.join(workDir, 'azurite') : undefined;
  if (location) fs.mkdirSync(location);
  const azurite = await startAzurite({ location });
  const hostOptions: HostCliOptions = {
    ...options,
    dataDir,
    logFile,
    port: options.port ?? (await freePort()),
    connectionString: options.hostConnectionString?.(azurite) ?? azurite.connectionString,
  };
  const stack: FaultStack = {
    azurite,
    blobs: BlobServiceClient.fromConnectionString(azurite.connectionString),
    queues: QueueServiceClient.fromConnectionString(azurite.connectionString),
    host: await startHostCli(hostOptions).catch(async (error: unknown) => {
      await azurite.stop();
      throw error;
    }),
    workDir,
    dataDir,
    logFile,
    restartHost: async () => {
      await stack.host.kill();
      stack.host = await startHostCli(hostOptions);
      return stack.host;
    },
    stop: async () => {
      await stack.host.kill();
      await azurite.stop();
      if (process.env.KEEP_FAULT_LOGS) fs.copyFileSync(logFile, path.join(process.env.KEEP_FAULT_LOGS, `${name}.log`));
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
  return stack;
}
