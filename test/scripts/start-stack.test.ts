import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_TASK_HUB } from '../../scripts/src/names';
import { builtScript, expectOneLineError, freePort, REPO_ROOT, runScript } from './run-script';

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
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function stackArgs(dataDir: string): Promise<{ args: string[]; blob: number }> {
  const [api, blob, queue, table] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const ports = ['--port', api, '--blob-port', blob, '--queue-port', queue, '--table-port', table].map(String);
  return { args: [...ports, '--data', dataDir], blob };
}

describe('npm start on a data folder in use', () => {
  const start = builtScript('start');
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-start-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails fast on a locked task hub', async () => {
    // The lock names this test process, which is alive, as the owner of the task hub.
    await writeFile(path.join(dataDir, `${LOCAL_TASK_HUB}.sqlite.lock`), String(process.pid));
    const { args, blob } = await stackArgs(dataDir);
    const began = Date.now();

    const run = await runScript(start, args, { timeoutMs: 50_000 });

    expectOneLineError(run, new RegExp(`data folder ${dataDir} is in use by another host.*--data DIR`));
    expect(Date.now() - began).toBeLessThan(45_000);
    expect(run.stdout).not.toMatch(/Try: npm run demo/);
    expect(await accepts(blob)).toBe(false);
  }, 60_000);

  it('fails fast when its host exits', async () => {
    const { args, blob } = await stackArgs(dataDir);
    const began = Date.now();

    const run = await runScript(start, args, { env: { TASKHUB_NAME: 'x' }, timeoutMs: 50_000 });

    expectOneLineError(
      run,
      /the local host exited with code 1 while starting: Invalid extensions.durableTask.hubName: "x"/,
    );
    expect(Date.now() - began).toBeLessThan(45_000);
    expect(run.stdout).not.toMatch(/Try: npm run demo/);
    expect(await accepts(blob)).toBe(false);
  }, 60_000);

  it('keeps the record of another stack', async () => {
    const record = JSON.stringify({ apiUrl: 'http://127.0.0.1:1', connectionString: '', pid: process.pid });
    await writeFile(path.join(dataDir, 'stack.json'), record);
    const { args } = await stackArgs(dataDir);

    const run = await runScript(start, args, { timeoutMs: 30_000 });

    expectOneLineError(run, new RegExp(`data folder ${dataDir} is in use by the stack at http://127.0.0.1:1`));
    expect(await readFile(path.join(dataDir, 'stack.json'), 'utf8')).toBe(record);
  }, 40_000);
});

describe('npm start whose host dies', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-host-dies-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports the death and stops Azurite', async () => {
    const { args, blob } = await stackArgs(dataDir);
    const child = spawn(process.execPath, [builtScript('start'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const recordFile = path.join(dataDir, 'stack.json');
    try {
      expect(await until(async () => existsSync(recordFile), 90_000)).toBe(true);
      const { hostPid } = JSON.parse(await readFile(recordFile, 'utf8')) as { hostPid: number };
      process.kill(hostPid, 'SIGKILL');

      expect(await exited).toBe(1);
      expect(stderr.trimEnd().split('\n').pop()).toBe('error: the local host was killed (SIGKILL) while running');
      expect(existsSync(recordFile)).toBe(false);
      expect(await until(async () => !(await accepts(blob)), 10_000)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('npm start and demo --workers', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-workers-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['start', '0'],
    ['start', '11'],
    ['start', '1.5'],
    ['demo', 'two'],
    ['demo', '0'],
  ])(
    '%s rejects --workers %s before starting anything',
    async (script, value) => {
      const { args, blob } = await stackArgs(dataDir);
      const began = Date.now();

      const run = await runScript(builtScript(script), [...args, '--workers', value], { timeoutMs: 20_000 });

      expectOneLineError(run, new RegExp(`invalid --workers '${value}': use a whole number .* from 1 to 10`));
      expect(run.code).toBe(1);
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(existsSync(path.join(dataDir, 'azurite'))).toBe(false);
      expect(await accepts(blob)).toBe(false);
    },
    30_000,
  );

  it('rejects an invalid FUNCTIONS_WORKER_PROCESS_COUNT before starting anything', async () => {
    const { args, blob } = await stackArgs(dataDir);

    const run = await runScript(builtScript('start'), args, {
      env: { FUNCTIONS_WORKER_PROCESS_COUNT: '12' },
      timeoutMs: 20_000,
    });

    expectOneLineError(run, /invalid FUNCTIONS_WORKER_PROCESS_COUNT '12': use a whole number .* from 1 to 10/);
    expect(run.code).toBe(1);
    expect(existsSync(path.join(dataDir, 'azurite'))).toBe(false);
    expect(await accepts(blob)).toBe(false);
  }, 30_000);

  it('starts the host with 2 workers', async () => {
    const { args } = await stackArgs(dataDir);
    const child = spawn(process.execPath, [builtScript('start'), ...args, '--workers', '2'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const recordFile = path.join(dataDir, 'stack.json');
    try {
      expect(await until(async () => existsSync(recordFile), 90_000)).toBe(true);
      const record = JSON.parse(await readFile(recordFile, 'utf8')) as { workers?: number };
      expect(record.workers).toBe(2);
      // The banner's demo command carries the ports and data folder, so it reaches this stack.
      expect(await until(async () => stdout.includes('Try: '), 10_000)).toBe(true);
      expect(stdout).toContain(`Try: npm run demo -- ${args.join(' ')}   (in another terminal)`);
      // npm start passes the host's log lines on to its stderr.
      const started = stderr.split('\n').find((line) => line.includes('"msg":"host started"'));
      expect(started).toMatch(/"workers":2\b/);

      // The demo reuses this stack, so a different worker count must be an error, not silently ignored.
      const demo = await runScript(builtScript('demo'), [...args, '--days', '1', '--workers', '3'], {
        timeoutMs: 30_000,
      });
      expectOneLineError(demo, /runs 2 app worker threads, not 3: drop --workers and FUNCTIONS_WORKER_PROCESS_COUNT/);
      // The app setting requests a worker count as the option does.
      const fromSetting = await runScript(builtScript('demo'), [...args, '--days', '1'], {
        env: { FUNCTIONS_WORKER_PROCESS_COUNT: '4' },
        timeoutMs: 30_000,
      });
      expectOneLineError(fromSetting, /runs 2 app worker threads, not 4/);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
