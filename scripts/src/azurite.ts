import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { terminateOnExit } from './child-cleanup';

/** The well-known Azurite development account key; it is public and only works against Azurite. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Folder for Azurite's data; omitted means in-memory storage that disappears with the process. */
  location?: string;
  /** Blob service port; 0 picks a free port. @default 0 */
  blobPort?: number;
  /** Queue service port; 0 picks a free port. @default 0 */
  queuePort?: number;
  /** Table service port; 0 picks a free port. @default 0 */
  tablePort?: number;
  /** Milliseconds to wait for all three services to listen. @default 30000 */
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  blobPort: number;
  queuePort: number;
  tablePort: number;
  connectionString: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export class AzuriteStartError extends Error {
  override name = 'AzuriteStartError';
}

export function azuriteConnectionString(blobPort: number, queuePort: number, tablePort: number): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${queuePort}/${AZURITE_ACCOUNT}`,
    `TableEndpoint=http://127.0.0.1:${tablePort}/${AZURITE_ACCOUNT}`,
  ].join(';');
}

function azuriteBin(): string {
  const pkg = require.resolve('azurite/package.json');
  return path.join(path.dirname(pkg), 'dist', 'src', 'azurite.js');
}

/** Starts Azurite from the npm package on 127.0.0.1 and resolves once all three services listen. */
export function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const args = [
    azuriteBin(),
    '--blobHost=127.0.0.1',
    '--queueHost=127.0.0.1',
    '--tableHost=127.0.0.1',
    `--blobPort=${options.blobPort ?? 0}`,
    `--queuePort=${options.queuePort ?? 0}`,
    `--tablePort=${options.tablePort ?? 0}`,
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
  ];
  args.push(...(options.location ? [`--location=${options.location}`] : ['--inMemoryPersistence']));

  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  terminateOnExit(child);
  const ports: Record<string, number> = {};
  let output = '';

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AzuriteStartError(`Azurite did not start within ${options.startTimeoutMs ?? 30000} ms: ${output}`));
    }, options.startTimeoutMs ?? 30000);

    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new AzuriteStartError(message));
    };

    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/g,
      )) {
        ports[match[1]] = Number(match[2]);
      }
      const inUse = /EADDRINUSE.*?:(\d+)/.exec(output);
      if (inUse) {
        fail(`port ${inUse[1]} is already in use: stop the process using it or choose another port`);
        return;
      }
      if (ports.Blob && ports.Queue && ports.Table) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({
          blobPort: ports.Blob,
          queuePort: ports.Queue,
          tablePort: ports.Table,
          connectionString: azuriteConnectionString(ports.Blob, ports.Queue, ports.Table),
          process: child,
          stop: () => stopChild(child),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      if (!(ports.Blob && ports.Queue && ports.Table))
        fail(`Azurite exited with code ${code} before listening: ${output.trim()}`);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
