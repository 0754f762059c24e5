import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { stopChild } from '../stack';
import { readProcessUsage, type ProcessUsage } from './process-stats';

const DURABLE_WEBHOOK = '/runtime/webhooks/durabletask';

/** Counters of the host's durable engine, as `GET /runtime/webhooks/durabletask/metrics` returns them. */
export interface EngineCounters {
  replayedEvents: number;
  episodes: number;
  activitiesCompleted: number;
  activitiesFailed: number;
  activityBatches: number;
}

export interface BenchHostOptions {
  appDir: string;
  dataDir: string;
  /** App settings passed as environment variables, such as storage connection strings. */
  env?: Record<string, string>;
  /** File that receives the host's log lines. */
  logFile: string;
  /** App worker threads, passed as `--workers`, so the host ignores FUNCTIONS_WORKER_PROCESS_COUNT. */
  workers: number;
  /** Extra Node.js flags for the host process, such as `--cpu-prof`. */
  nodeFlags?: string[];
  /** Milliseconds to wait for the host to listen. @default 60000 */
  startTimeoutMs?: number;
}

export interface BenchHost {
  url: string;
  pid: number;
  webhook: string;
  counters(): Promise<EngineCounters>;
  usage(): ProcessUsage;
  stop(): Promise<void>;
}

/** Starts `host/dist/cli.js` on a free loopback port, in its own process like `npm start` runs it. */
export async function startBenchHost(options: BenchHostOptions): Promise<BenchHost> {
  const cli = path.join(path.dirname(require.resolve('@fanout/host/package.json')), 'dist', 'cli.js');
  const args = [
    ...(options.nodeFlags ?? []),
    cli,
    'start',
    '--app',
    options.appDir,
    '--port',
    '0',
    '--data',
    options.dataDir,
    '--no-dashboard',
    '--workers',
    String(options.workers),
    '--log-level',
    'info',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(createWriteStream(options.logFile, { flags: 'a' }));
  const url = await waitForListening(child, options.startTimeoutMs ?? 60_000, options.logFile);
  const webhook = `${url}${DURABLE_WEBHOOK}`;
  return {
    url,
    pid: child.pid ?? 0,
    webhook,
    counters: async () => (await (await fetch(`${webhook}/metrics`)).json()) as EngineCounters,
    usage: () => readProcessUsage(child.pid ?? 0),
    stop: () => stopChild(child),
  };
}

function waitForListening(child: ChildProcess, timeoutMs: number, logFile: string): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new CliError(`${message}: see ${logFile}`));
    };
    const timer = setTimeout(() => fail(`the host did not listen within ${timeoutMs / 1000} s`), timeoutMs);
    child.once('exit', (code) => fail(`the host exited with code ${code} while starting`));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Host listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(match[1]);
      }
    });
  });
}
