import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
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
  /** App worker threads, passed to the host as `--workers`. Unset leaves the host's default. */
  workers?: number;
}

export interface RunningStack {
  apiUrl: string;
  dashboardUrl: string;
  connectionString: string;
  /** Path of the host's log file when hostLog is 'file'. */
  hostLogFile?: string;
  /** Process id of the host. */
  hostPid: number;
  /** Resolves with a one-line message when the host process exits before `stop()` is called. */
  hostExited: Promise<string>;
  stop(): Promise<void>;
}

/** Record that `npm start` writes to `<dataDir>/stack.json` so other commands can find the running stack. */
export interface StackRecord {
  apiUrl: string;
  connectionString: string;
  /** Process id of `npm start`. */
  pid: number;
  /** Process id of the host, when recorded. */
  hostPid?: number;
  /** Ports of the stack, when recorded. */
  ports?: StackPorts;
  /** App worker threads that `npm start` asked the host for; absent when the host chose its default. */
  workers?: number;
}

/** The range of FUNCTIONS_WORKER_PROCESS_COUNT in Azure, which the host's --workers accepts. */
const MIN_WORKERS = 1;
const MAX_WORKERS = 10;

/** Parses `--workers` as the host does: decimal digits for a count from 1 to 10. Returns undefined when unset. */
export function parseWorkers(value: string | undefined, name = '--workers'): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || count < MIN_WORKERS || count > MAX_WORKERS) {
    throw new CliError(
      `invalid ${name} '${value}': use a whole number of app worker threads from ${MIN_WORKERS} to ${MAX_WORKERS}`,
    );
  }
  return count;
}

/**
 * Returns the app worker thread count that `--workers` requests, else the environment's
 * FUNCTIONS_WORKER_PROCESS_COUNT, or undefined when neither is set, so the host chooses.
 */
export function requestedWorkers(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (flag !== undefined) return parseWorkers(flag);
  const setting = env.FUNCTIONS_WORKER_PROCESS_COUNT;
  return setting === undefined || setting.trim() === ''
    ? undefined
    : parseWorkers(setting, 'FUNCTIONS_WORKER_PROCESS_COUNT');
}

/** Help text of the `--workers` flag of `start` and `demo`. */
export const WORKERS_HELP =
  `app worker threads of the host, ${MIN_WORKERS} to ${MAX_WORKERS}; each can keep one core busy ` +
  '(default: env FUNCTIONS_WORKER_PROCESS_COUNT, else 1)';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Starts Azurite and the local Functions host on the Function App in `functions/`, wired to that Azurite. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  await assertPortFree(options.ports.api, '--port');
  await assertDataDirFree(options.dataDir);
  const azurite = await startLocalStorage(options);
  try {
    const apiUrl = `http://127.0.0.1:${options.ports.api}`;
    const logFile = options.hostLog === 'inherit' ? undefined : path.join(options.dataDir, 'host.log');
    const host = spawnHost(options, azurite.connectionString, logFile);
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    try {
      await hostStarted(host, apiUrl, timeoutMs, logFile);
    } catch (error) {
      await stopChild(host.child);
      throw error;
    }
    return {
      apiUrl,
      dashboardUrl: `${apiUrl}/`,
      connectionString: azurite.connectionString,
      hostLogFile: logFile,
      hostPid: host.child.pid ?? 0,
      hostExited: host.exited.then(async (code) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return hostExitMessage(host, code, 'while running', logFile);
      }),
      stop: async () => {
        await stopChild(host.child);
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

/** The host child process, its exit and the last `error:` line it printed. */
interface HostProcess {
  child: ChildProcess;
  /** Resolves with the exit code, or null after a signal. */
  exited: Promise<number | null>;
  lastError(): string | undefined;
}

function spawnHost(options: StackOptions, connectionString: string, logFile: string | undefined): HostProcess {
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
    ...(options.workers === undefined ? [] : ['--workers', String(options.workers)]),
  ];
  const env = {
    ...process.env,
    [HOST_CONNECTION]: connectionString,
    [DATA_CONNECTION]: connectionString,
    [TASK_HUB_SETTING]: process.env[TASK_HUB_SETTING] ?? LOCAL_TASK_HUB,
  };
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  terminateOnExit(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  child.stdout?.pipe(log ?? process.stdout);

  // The host's `error:` line is reported by the caller, so on a terminal it is held back to print it once.
  let lastError: string | undefined;
  const errors = createInterface({ input: child.stderr! });
  errors.on('line', (line) => {
    if (line.startsWith('error: ')) lastError = line.slice('error: '.length);
    if (log) log.write(`${line}\n`);
    else if (!line.startsWith('error: ')) process.stderr.write(`${line}\n`);
  });
  return { child, exited, lastError: () => lastError };
}

function hostExitMessage(host: HostProcess, code: number | null, when: string, logFile?: string): string {
  const reason = host.lastError();
  const seeLog = logFile ? `: see ${logFile}` : '';
  const status = code === null ? `was killed (${host.child.signalCode ?? 'signal'})` : `exited with code ${code}`;
  return `the local host ${status} ${when}${reason ? `: ${reason}` : seeLog}`;
}

/**
 * Waits until the host prints its closing startup line, which comes once the app, the durable engine and the
 * triggers run, and its API responds. Rejects as soon as the host exits, and when timeoutMs passes first.
 */
async function hostStarted(host: HostProcess, apiUrl: string, timeoutMs: number, logFile?: string): Promise<void> {
  let printed = false;
  let output = '';
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-1000);
    if (/Host listening on /.test(output)) printed = true;
  };
  host.child.stdout?.on('data', onData);
  let exitCode: number | null | undefined;
  void host.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      // Lets the stderr reader take the host's last lines before the exit is reported.
      if (exitCode !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new CliError(hostExitMessage(host, exitCode, 'while starting', logFile));
      }
      if (printed && (await isHttpServing(`${apiUrl}/`, 1000))) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    host.child.stdout?.off('data', onData);
  }
  const seeLog = logFile ? `: see ${logFile}` : '';
  throw new CliError(`the local host did not start at ${apiUrl} within ${timeoutMs / 1000} s${seeLog}`);
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

/** Removes `<dataDir>/stack.json` only when it is the record of this process, so another stack keeps its record. */
export async function removeStackRecord(dataDir: string, owner: StackRecord): Promise<void> {
  const current = await readStackRecord(dataDir);
  if (!current || current.pid !== owner.pid || current.apiUrl !== owner.apiUrl) return;
  await rm(stackRecordPath(dataDir), { force: true });
}

/** Reads `<dataDir>/stack.json`, or returns undefined when it is missing or unreadable. */
export async function readStackRecord(dataDir: string): Promise<StackRecord | undefined> {
  return loadStackRecord(dataDir).catch(() => undefined);
}

/**
 * Reads `<dataDir>/stack.json`, or returns undefined when it is missing. Throws a CliError naming the file when
 * it cannot be read, is not JSON, or lacks the `pid` and `apiUrl` of a stack record.
 */
export async function loadStackRecord(dataDir: string): Promise<StackRecord | undefined> {
  const file = stackRecordPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file} (${code ?? (error as Error).message})`);
  }
  let record: Partial<StackRecord> | null;
  try {
    record = JSON.parse(text) as Partial<StackRecord> | null;
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof record?.pid !== 'number' || typeof record.apiUrl !== 'string') {
    throw new CliError(`${file} is not a stack record (it lacks a numeric pid or a string apiUrl)`);
  }
  return record as StackRecord;
}

/** Returns true when a process with this id runs. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Throws when `<dataDir>/stack.json` belongs to another live `npm start`, or when a live host holds the task hub
 * lock in dataDir, so a second stack fails before its Azurite opens the same `<dataDir>/azurite`.
 */
export async function assertDataDirFree(dataDir: string): Promise<void> {
  const record = await readStackRecord(dataDir);
  if (record && record.pid !== process.pid && isProcessAlive(record.pid)) {
    throw new CliError(
      `data folder ${dataDir} is in use by the stack at ${record.apiUrl} (pid ${record.pid}): stop it, or run a second stack on its own folder with --data DIR`,
    );
  }
  const hubName = process.env[TASK_HUB_SETTING] ?? LOCAL_TASK_HUB;
  const owner = Number(await readFile(path.join(dataDir, `${hubName}.sqlite.lock`), 'utf8').catch(() => ''));
  if (owner !== process.pid && isProcessAlive(owner)) {
    throw new CliError(
      `data folder ${dataDir} is in use by another host (pid ${owner}): stop that host, or run a second stack on its own folder with --data DIR`,
    );
  }
}

/**
 * Finds the stack that `npm start` recorded in `<dataDir>/stack.json` on these ports: its process runs, its API
 * port matches, and the API responds as this Function App does. Returns undefined when the API port is free, and
 * throws a one-line CliError naming the port when something else serves it.
 */
export async function findRunningStack(
  dataDir: string,
  ports: StackPorts,
  explicit: Partial<Record<keyof StackPorts, boolean>> = {},
): Promise<StackRecord | undefined> {
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const record = await readStackRecord(dataDir);
  const recorded = record !== undefined && record.apiUrl === apiUrl && isProcessAlive(record.pid);
  if (recorded && (await isFunctionApp(apiUrl))) {
    for (const name of ['blob', 'queue', 'table'] as const) {
      const port = record.ports?.[name];
      if (explicit[name] && port !== undefined && port !== ports[name]) {
        throw new CliError(
          `the stack at ${apiUrl} (pid ${record.pid}) uses ${name} port ${port}, not --${name}-port ${ports[name]}: ` +
            `drop --${name}-port, or start a second stack with another --port and --data DIR`,
        );
      }
    }
    return record;
  }
  if (!(await isPortOpen(ports.api))) return undefined;
  const occupant = (await isFunctionApp(apiUrl))
    ? `a Function App host that ${stackRecordPath(dataDir)} does not record (another --data folder)`
    : (await isHttpServing(`${apiUrl}/`))
      ? 'an HTTP server that is not this Function App'
      : 'a server that does not respond to HTTP';
  throw new CliError(
    `port ${ports.api} is in use by ${occupant}: stop it, pass its --data DIR, or choose another port with --port`,
  );
}

/** Returns true when the URL serves the batches API as this Function App does: a JSON 404 for an unknown batch. */
async function isFunctionApp(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/api/batches/stack-probe-${process.pid}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { error?: unknown };
    return response.status === 404 && typeof body?.error === 'string';
  } catch {
    return false;
  }
}

/** Returns true when something accepts TCP connections on 127.0.0.1:port. */
function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
