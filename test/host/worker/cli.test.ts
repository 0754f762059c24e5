import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freshCompiledFile, typescriptBootstrap } from '../../../host/src/worker/typescript-bootstrap';
import { FIXTURE_APPS, removeWrittenApps, tempDir, waitFor, writeApp } from './host-fixtures';

const CLI = path.resolve(__dirname, '../../../host/src/cli.ts');

interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Runs the CLI in a child process: the fresh build when there is one, else the TypeScript sources. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const compiled = freshCompiledFile(CLI);
  const entry = compiled ? [compiled] : ['-e', typescriptBootstrap(CLI), 'cli'];
  const child = spawn(process.execPath, [...entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

describe('host CLI', () => {
  afterAll(() => removeWrittenApps());

  let dataDir: string;

  beforeEach(() => {
    dataDir = tempDir('cli');
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the functions, serves them and stops on SIGTERM with exit code 0', async () => {
    const run = runCli(['start', '--app', path.join(FIXTURE_APPS, 'basic-http'), '--port', '0', '--data', dataDir]);
    try {
      const url = await waitFor(() => /Host listening on (\S+)\./.exec(run.stdout())?.[1], 30000);
      expect(run.stdout()).toContain(`hello: [GET,POST] ${url}/api/hello\n`);
      expect(run.stdout()).toContain(`getItem: [GET] ${url}/api/items/{id:int}/{part?}\n`);
      expect(run.stdout()).toContain(`shout: [PUT] ${url}/api/shout\n`);
      expect(run.stdout()).toContain(`Dashboard: ${url}/\n`);
      expect(await (await fetch(`${url}/api/hello?name=cli`)).text()).toBe('Hello, cli!');
      expect((await fetch(`${url}/`)).headers.get('content-type')).toMatch(/^text\/html/);

      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      const logLines = run.stderr().trim().split('\n');
      expect(logLines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain('host stopped');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('stops cleanly on SIGINT then a forwarded SIGTERM', async () => {
    // The appTerminate hook keeps the clean stop running when the forwarded SIGTERM arrives.
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `const { app } = require('@azure/functions');
app.http('hello', { handler: () => ({ body: 'hi' }) });
app.hook.appTerminate(() => new Promise((resolve) => setTimeout(resolve, 500)));`,
    });
    const run = runCli(['start', '--app', appDir, '--port', '0', '--data', dataDir]);
    try {
      await waitFor(() => /Host listening on (\S+)\./.exec(run.stdout())?.[1], 30000);

      run.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20));
      run.child.kill('SIGTERM');

      expect(await run.exit).toBe(0);
      const messages = run
        .stderr()
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toContain('stop signal repeated; still stopping cleanly');
      expect(messages).toContain('host stopped');
      expect(messages).not.toContain('second stop signal; exiting without waiting for a clean stop');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('exits with 1 when no worker thread is left', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `const fs = require('node:fs');
const { app } = require('@azure/functions');
if (fs.existsSync(process.env.LOAD_FAIL_FILE)) throw new Error('LOAD_FAIL_FILE exists');
app.http('crash', { methods: ['POST'], handler: () => process.exit(3) });`,
    });
    const loadFailFile = path.join(dataDir, 'fail-load');
    const run = runCli(['start', '--app', appDir, '--port', '0', '--data', dataDir], { LOAD_FAIL_FILE: loadFailFile });
    try {
      const url = await waitFor(() => /Host listening on (\S+)\./.exec(run.stdout())?.[1], 30000);
      // The thread ends and its restart fails to load the app, so no thread is left.
      fs.writeFileSync(loadFailFile, '');
      expect((await fetch(`${url}/api/crash`, { method: 'POST' })).status).toBe(500);

      const stillRunning = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 20000).unref());
      expect(await Promise.race([run.exit, stillRunning])).toBe(1);
      const lines = run.stderr().trim().split('\n');
      expect(lines.pop()).toBe(
        'error: no app worker thread is left: The app worker could not be restarted: Loading index.js failed: ' +
          'Error: LOAD_FAIL_FILE exists. Fix the crash and start the host again. Batches that were running resume ' +
          `from their saved state in ${dataDir}`,
      );
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      const fatal = messages.indexOf('no app worker thread is left; stopping the host');
      expect(fatal).toBeGreaterThan(-1);
      expect(messages.indexOf('host stopped')).toBeGreaterThan(fatal);
      expect(messages).not.toContain('host stop step failed');
      expect(fs.readdirSync(dataDir).filter((file) => file.endsWith('.lock'))).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('reports an unset app setting in one line', async () => {
    const run = runCli(['start', '--app', path.join(FIXTURE_APPS, 'basic-queue'), '--port', '0', '--data', dataDir]);
    try {
      expect(await run.exit).toBe(1);
      expect(run.stderr().trim().split('\n').pop()).toBe(
        'error: Function "processOrder" queueName refers to app setting %ORDERS_QUEUE%, which is not set: add it to local.settings.json Values or the environment',
      );
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('names the port in use in one line and exits with 1', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const run = runCli([
        'start',
        '--app',
        path.join(FIXTURE_APPS, 'basic-http'),
        '--port',
        String(port),
        '--data',
        dataDir,
      ]);
      expect(await run.exit).toBe(1);
      expect(run.stderr()).toBe(
        `error: port ${port} is already in use: stop the process using it or choose another port with --port\n`,
      );
      expect(run.stdout()).toBe('');
    } finally {
      server.close();
    }
  });

  it('rejects a data folder in use', async () => {
    const hubName = 'TestHubName';
    fs.writeFileSync(path.join(dataDir, `${hubName}.sqlite.lock`), String(process.pid));
    const run = runCli(['start', '--app', path.join(FIXTURE_APPS, 'basic-http'), '--port', '0', '--data', dataDir]);
    try {
      expect(await run.exit).toBe(1);
      expect(run.stderr()).toBe(
        `error: data folder ${dataDir} is in use by another host (pid ${process.pid}): stop that host, or run a second stack on its own folder with --data DIR\n`,
      );
      expect(run.stdout()).toBe('');
      expect(fs.readFileSync(path.join(dataDir, `${hubName}.sqlite.lock`), 'utf8')).toBe(String(process.pid));
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('rejects an invalid option value in one line', async () => {
    const run = runCli(['start', '--blob-events', 'input', '--data', dataDir]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      `error: option '--blob-events <rule>' argument 'input' is invalid. use container:queue[:subjectSuffix], for example input:blob-created:/_manifest.json\n`,
    );
  });

  it.each(['0', '11', 'abc', '1.5'])('rejects --workers %s in one line', async (value) => {
    const run = runCli(['start', '--workers', value, '--data', dataDir]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      `error: option '--workers <n>' argument '${value}' is invalid. use an integer from 1 to 10\n`,
    );
  });

  it('rejects an invalid FUNCTIONS_WORKER_PROCESS_COUNT in one line', async () => {
    const app = path.join(FIXTURE_APPS, 'basic-http');
    const run = runCli(['start', '--app', app, '--port', '0', '--data', dataDir], {
      FUNCTIONS_WORKER_PROCESS_COUNT: '0',
    });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      'error: invalid app setting FUNCTIONS_WORKER_PROCESS_COUNT="0": set it to an integer from 1 to 10, or pass --workers\n',
    );
    expect(run.stdout()).toBe('');
  });

  it('starts the number of threads given with --workers', async () => {
    const app = path.join(FIXTURE_APPS, 'basic-http');
    const run = runCli(['start', '--app', app, '--port', '0', '--data', dataDir, '--workers', '2'], {
      FUNCTIONS_WORKER_PROCESS_COUNT: '3',
    });
    try {
      const url = await waitFor(() => /Host listening on (\S+)\./.exec(run.stdout())?.[1], 30000);
      expect(await (await fetch(`${url}/api/hello?name=cli`)).text()).toBe('Hello, cli!');
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      const records = run
        .stderr()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; workers?: number });
      expect(records.find((record) => record.msg === 'host started')?.workers).toBe(2);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('rejects a missing app folder in one line', async () => {
    const missing = path.join(dataDir, 'no-such-app');
    const run = runCli(['start', '--app', missing, '--port', '0', '--data', dataDir]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(`error: app folder ${missing} not found: pass the Function App folder with --app\n`);
  });

  it('rejects a main glob that matches no file in one line', async () => {
    const appDir = path.join(dataDir, 'app');
    fs.mkdirSync(appDir);
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ main: 'dist/*.js' }));
    const run = runCli(['start', '--app', appDir, '--port', '0', '--data', dataDir]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      `error: package.json "main" (dist/*.js) matches no file in ${appDir}: build the app first or fix "main"\n`,
    );
  });
});
