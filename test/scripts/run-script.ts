import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RunningStack, startStack } from '../../scripts/src/stack';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Path of a compiled script under scripts/dist; fails with the fix when the scripts are not built. */
export function builtScript(name: string): string {
  const file = path.join(REPO_ROOT, 'scripts', 'dist', `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} not found: run 'npm run build' before these tests`);
  return file;
}

/** Runs `node <script> ...args` to completion and collects its output. */
export function runScript(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Returns a loopback port that nothing listens on at the moment of the call. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a server that keeps a loopback port busy until it is closed. */
export async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Asserts the shape every CLI failure must have: a non-zero exit and one `error:` line, no stack trace. */
export function expectOneLineError(run: ScriptRun, pattern: RegExp): void {
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/**
 * Starts Azurite in memory and the local host on a free port, with a new temporary folder as the data folder.
 * Returns the folder, the stack and the CLI flags that reach it.
 */
export async function startTestStack(prefix: string): Promise<{ dir: string; stack: RunningStack; flags: string[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const ports = { api: await freePort(), blob: 0, queue: 0, table: 0 };
  const stack = await startStack({ dataDir: dir, ports, inMemory: true, hostLog: 'file' });
  return { dir, stack, flags: ['--url', stack.apiUrl, '--connection-string', stack.connectionString] };
}
