import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Facts about the machine and the code a benchmark ran on. */
export interface MachineFacts {
  date: string;
  cores: number;
  memory: string;
  node: string;
  cpuModel: string;
  commit: string;
  /** Load averages over 1, 5 and 15 minutes when the bench started. */
  loadAtStart: number[];
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Reads the facts the way a reader would check them: `nproc`, `free -h`, `node --version`, `git rev-parse`. */
export function readMachineFacts(): MachineFacts {
  const memoryLine = run('free', ['-h'])
    .split('\n')
    .find((line) => line.startsWith('Mem:'));
  return {
    date: new Date().toISOString(),
    cores: Number(run('nproc', [])) || os.cpus().length,
    memory: memoryLine?.split(/\s+/)[1] ?? `${Math.round(os.totalmem() / 2 ** 30)}Gi`,
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    commit: run('git', ['rev-parse', '--short', 'HEAD']),
    loadAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
