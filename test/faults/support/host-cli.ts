import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FUNCTIONS_APP = path.join(REPO_ROOT, 'functions');
const CLI = path.join(REPO_ROOT, 'host/dist/cli.js');

export interface HostCliOptions {
  appDir?: string;
  dataDir: string;
  port: number;
  /** Connection string for `AzureWebJobsStorage` and `DataStorage`; omitted for apps that use no storage. */
  connectionString?: string;
  taskHub?: string;
  /** Publish manifest blob events to the `blob-created` queue. @default true */
  blobEvents?: boolean;
  extraArgs?: string[];
  /** File that collects every stdout and stderr line of every host started with it. */
  logFile: string;
  /** Command that runs the host, such as `['unshare', '-rn']`; the host's own command line follows it. */
  wrapper?: string[];
}

export interface HostCli {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Highest resident set size of the process seen so far, in bytes, sampled every 50 ms. */
  peakRssBytes(): number;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function hostArgs(options: HostCliOptions): string[] {
  const args = [CLI, 'start', '--app', options.appDir ?? FUNCTIONS_APP, '--port', String(options.port)];
  args.push('--data', options.dataDir, '--no-dashboard', '--blob-events-interval', '200');
  if (options.blobEvents ?? true) args.push('--blob-events', 'input:blob-created:/_manifest.json');
  return [...args, ...(options.extraArgs ?? [])];
}

function hostEnv(options: HostCliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FUNCTIONS_WORKER_RUNTIME: 'node', LOG_LEVEL: 'info' };
  env.TASKHUB_NAME = options.taskHub ?? 'faults';
  if (options.connectionString) {
    env.AzureWebJobsStorage = options.connectionString;
    env.DataStorage = options.connectionString;
  }
  return env;
}

function readRss(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Starts `node host/dist/cli.js start` as a child process and resolves once it prints its address. */
export async function startHostCli(options: HostCliOptions): Promise<HostCli> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} not found: run "npm run build" first`);
  const [command, ...prefix] = options.wrapper ?? [process.execPath];
  const args = options.wrapper ? [...prefix, process.execPath, ...hostArgs(options)] : hostArgs(options);
  const child = spawn(command, args, { cwd: REPO_ROOT, env: hostEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearInterval(sampler);
      log.end(() => resolve(code));
    }),
  );
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, readRss(child.pid));
  }, 50);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });

  // The printed address is the public URL, which may name another host, so requests go to the loopback port.
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Host listening on ')) resolve(`http://127.0.0.1:${options.port}`);
    });
    void exited.then((code) => reject(new Error(`host exited with ${code} before listening: see ${options.logFile}`)));
  });

  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { child, url, exited, peakRssBytes: () => peak, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
