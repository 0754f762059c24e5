import { spawn } from 'node:child_process';
import path from 'node:path';
import { CliError } from '../errors';

/**
 * Runs a compiled script of `scripts/dist/bench/` in its own Node.js process with one JSON argument and returns the JSON
 * line it prints. A separate process keeps the baseline's CPU time and peak memory apart from the bench's.
 */
export function runChildJob<T>(script: string, job: unknown, timeoutMs: number): Promise<T> {
  const file = path.resolve(__dirname, '..', '..', 'dist', 'bench', script);
  const child = spawn(process.execPath, [file, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as T);
        return;
      }
      const reason = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited with code ${code}`;
      reject(new CliError(`${script} ${reason}: ${stderr.trim().slice(-1000)}`));
    });
  });
}
