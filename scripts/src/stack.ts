import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { terminateOnExit } from './child-cleanup';
import { AzuriteStartError, RunningAzurite, startAzurite } from './azurite';
import { CliError } from './errors';
import { BLOB_CREATED_QUEUE, DATA_CONNECTION, HOST_CONNECTION, INPUT_CONTAINER, LOCAL_TASK_HUB } from './names';
import { MANIFEST_BLOB_NAME, TASK_HUB_SETTING } from './names';
import { assertPortFree, isHttpServing } from './ports';
import { ensureStorageResources, openStorage } from './storage';

export interface StackPorts {
  api: number;
  blob: number;
  queue: number;
  table: number;
}

export interface StackOptions {
  /** Folder for Azurite's data (`<dataDir>/azurite`), the task hub store and the host log. */
  dataDir: string;
  ports: StackPorts;
  /** Keep storage in memory instead of under `<dataDir>/azurite`. @default false */
  inMemory?: boolean;
  /** Destination of the host's log lines: the terminal, or `host.log` under dataDir. @default 'file' */
  hostLog?: 'inherit' | 'file';
  /** Milliseconds to wait for the host to respond to HTTP. @default 60000 */
  startTimeoutMs?: number;
}

export interface RunningStack {
  apiUrl: string;
  dashboardUrl: string;
  connectionString: string;
  /** Path of the host's log file when hostLog is 'file'. */
  hostLogFile?: string;
  stop(): Promise<void>;
}

/** Record that `npm start` writes to `<dataDir>/stack.json` so other commands can find the running stack. */
export interface StackRecord {
  apiUrl: string;
  connectionString: string;
  pid: number;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Starts Azurite and the local Functions host on the Function App in `functions/`, wired to that Azurite. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  await assertPortFree(options.ports.api, '--port');
  const azurite = await startLocalStorage(options);
  try {
    const apiUrl = `http://127.0.0.1:${options.ports.api}`;
    const logFile = options.hostLog === 'inherit' ? undefined : path.join(options.dataDir, 'host.log');
    const host = spawnHost(options, azurite.connectionString, logFile);
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const started = hostStarted(host, timeoutMs);
    await waitForHost(host, apiUrl, timeoutMs, logFile);
    await started;
    return {
      apiUrl,
      dashboardUrl: `${apiUrl}/`,
      connectionString: azurite.connectionString,
      hostLogFile: logFile,
      stop: async () => {
        await stopChild(host);
        await azurite.stop();
      },
    };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}

/** Starts Azurite and creates the containers and the queue the Function App needs. */
export async function startLocalStorage(options: Omit<StackOptions, 'hostLog'>): Promise<RunningAzurite> {
  const azurite = await startStorage(options);
  try {
    await ensureStorageResources(openStorage({ connectionString: azurite.connectionString }));
    return azurite;
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}

async function startStorage(options: Omit<StackOptions, 'hostLog'>): Promise<RunningAzurite> {
  const location = options.inMemory ? undefined : path.join(options.dataDir, 'azurite');
  if (location) await mkdir(location, { recursive: true });
  try {
    return await startAzurite({
      location,
      blobPort: options.ports.blob,
      queuePort: options.ports.queue,
      tablePort: options.ports.table,
    });
  } catch (error) {
    if (error instanceof AzuriteStartError) {
      const port = /port (\d+)/.exec(error.message)?.[1];
      const flag = port ? portFlag(options.ports, Number(port)) : '--blob-port, --queue-port or --table-port';
      throw new CliError(`cannot start Azurite: ${error.message.split('\n')[0]}${port ? ` (${flag})` : ''}`);
    }
    throw error;
  }
}

function portFlag(ports: StackPorts, port: number): string {
  if (port === ports.queue) return '--queue-port';
  if (port === ports.table) return '--table-port';
  return '--blob-port';
}

function spawnHost(options: StackOptions, connectionString: string, logFile: string | undefined): ChildProcess {
  const cli = path.join(path.dirname(require.resolve('@fanout/host/package.json')), 'dist', 'cli.js');
  const app = path.dirname(require.resolve('@fanout/functions/package.json'));
  for (const built of [cli, path.join(app, 'dist')]) {
    if (!existsSync(built)) throw new CliError(`${built} not found: build the packages with 'npm run build'`);
  }
  const args = [
    cli,
    'start',
    '--app',
    app,
    '--port',
    String(options.ports.api),
    '--data',
    options.dataDir,
    '--blob-events',
    `${INPUT_CONTAINER}:${BLOB_CREATED_QUEUE}:/${MANIFEST_BLOB_NAME}`,
  ];
  const env = {
    ...process.env,
    [HOST_CONNECTION]: connectionString,
    [DATA_CONNECTION]: connectionString,
    [TASK_HUB_SETTING]: process.env[TASK_HUB_SETTING] ?? LOCAL_TASK_HUB,
  };
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  terminateOnExit(child);
  if (logFile) {
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else {
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  }
  return child;
}

async function waitForHost(host: ChildProcess, apiUrl: string, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  host.once('exit', (code) => (exited = code));
  const seeLog = logFile ? `: see ${logFile}` : '';
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new CliError(`the local host exited with code ${exited} while starting${seeLog}`);
    if (await isHttpServing(`${apiUrl}/`, 1000)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopChild(host);
  throw new CliError(`the local host did not respond at ${apiUrl} within ${timeoutMs / 1000} s${seeLog}`);
}

/**
 * Resolves when the host CLI prints its closing startup line, which comes once the app, the durable
 * engine and the triggers run, or after maxMs. Attach it right after spawning so the line is not missed.
 */
function hostStarted(host: ChildProcess, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let output = '';
    const done = () => {
      clearTimeout(timer);
      host.stdout?.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-1000);
      if (/Host listening on /.test(output)) done();
    };
    const timer = setTimeout(done, maxMs);
    host.stdout?.on('data', onData);
  });
}

/** Stops a child process with SIGTERM, then SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function stackRecordPath(dataDir: string): string {
  return path.join(dataDir, 'stack.json');
}

export async function writeStackRecord(dataDir: string, record: StackRecord): Promise<void> {
  await writeFile(stackRecordPath(dataDir), JSON.stringify(record, null, 2));
}

export async function removeStackRecord(dataDir: string): Promise<void> {
  await rm(stackRecordPath(dataDir), { force: true });
}

/** Finds the stack that `npm start` recorded, if its API still responds; without a record, returns an empty one. */
export async function findRunningStack(dataDir: string, apiUrl: string): Promise<StackRecord | undefined> {
  if (!(await isHttpServing(`${apiUrl}/`))) return undefined;
  try {
    const record = JSON.parse(await readFile(stackRecordPath(dataDir), 'utf8')) as StackRecord;
    if (record.apiUrl === apiUrl) return record;
  } catch {
    // No record: the API responds but was not started by `npm start` here, so the caller uses its own settings.
  }
  return { apiUrl, connectionString: '', pid: 0 };
}
