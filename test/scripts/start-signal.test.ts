import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { builtScript, freePort, REPO_ROOT } from './run-script';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('start signalled while starting', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-signal-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves no Azurite running', async () => {
    const [api, blob, queue, table] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const args = ['--port', api, '--blob-port', blob, '--queue-port', queue, '--table-port', table].map(String);
    const child = spawn(process.execPath, [builtScript('start'), ...args, '--data', dataDir], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));

    expect(await until(() => accepts(blob), 30_000)).toBe(true);
    child.kill('SIGTERM');
    await exited;

    expect(await until(async () => !(await accepts(blob)), 10_000)).toBe(true);
  });
});
