import { readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU seconds (user + system) and peak resident set of a process, read from Linux `/proc`. */
export interface ProcessUsage {
  cpuSeconds: number;
  peakRssBytes: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Reads `/proc/<pid>/stat` and `/proc/<pid>/status`. Fields 14 and 15 of `stat` are user and system time
 * in clock ticks; `VmHWM` is the peak resident set since the process started.
 * NOTE: Linux only, and the tick rate is assumed to be 100 Hz, the value `getconf CLK_TCK` prints on Linux.
 */
export function readProcessUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, peakRssBytes: peakKiB * 1024 };
}

/** CPU seconds of this process so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** The 1-minute load average, recorded with each measurement because other work on the machine skews wall times. */
export function loadAverage(): number {
  return os.loadavg()[0];
}
