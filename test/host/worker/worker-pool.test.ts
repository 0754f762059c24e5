import fs from 'node:fs';
import path from 'node:path';
import { RunningHost, startHost } from '../../../host/src/host';
import { captureLogs, FIXTURE_APPS, LogRecord, removeWrittenApps, tempDir, waitFor, writeApp } from './host-fixtures';

const APP = path.join(FIXTURE_APPS, 'worker-threads');
const WEBHOOK = '/runtime/webhooks/durabletask';

interface BusyResult {
  index: number;
  threadId: number;
  seen: string[];
}

describe('app worker threads', () => {
  afterAll(() => removeWrittenApps());

  let dir: string;
  let holdFile: string;
  const hosts: RunningHost[] = [];

  beforeEach(() => {
    dir = tempDir('worker-pool');
    holdFile = path.join(dir, 'hold-restart');
  });

  afterEach(async () => {
    // A held restart would keep stop() waiting, so the hold goes first.
    fs.rmSync(holdFile, { force: true });
    for (const host of hosts.splice(0)) await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(
    options: { workers?: number; settings?: Record<string, string>; appDir?: string } = {},
    records: LogRecord[] = [],
  ) {
    const host = await startHost({
      appDir: options.appDir ?? APP,
      port: 0,
      dataDir: path.join(dir, 'data'),
      workers: options.workers,
      settings: { RESTART_HOLD_FILE: holdFile, ...options.settings },
      logger: captureLogs(records).logger,
    });
    hosts.push(host);
    return host;
  }

  async function whoami(host: RunningHost): Promise<number> {
    const response = await fetch(`${host.url}/api/whoami`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { threadId: number }).threadId;
  }

  async function threadsServing(host: RunningHost, requests: number): Promise<Set<number>> {
    const threadIds = new Set<number>();
    for (let i = 0; i < requests; i++) threadIds.add(await whoami(host));
    return threadIds;
  }

  function appStartThreads(appStartDir: string): string[] {
    return fs.readdirSync(appStartDir).sort();
  }

  it('runs CPU-bound activities on two threads at once', async () => {
    const host = await start({ workers: 2 });
    const markerDir = path.join(dir, 'markers');
    fs.mkdirSync(markerDir);

    const started = await fetch(`${host.url}${WEBHOOK}/orchestrators/busyFanOut`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ markerDir, count: 2 }),
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const status = await waitFor(async () => {
      const response = await fetch(`${host.url}${WEBHOOK}/instances/${id}`);
      const body = (await response.json()) as { runtimeStatus: string; output: unknown };
      return ['Completed', 'Failed'].includes(body.runtimeStatus) ? body : undefined;
    }, 30000);

    expect(status.runtimeStatus).toBe('Completed');
    const [first, second] = status.output as BusyResult[];
    expect(first.threadId).not.toBe(second.threadId);
    // Each activity kept its thread busy until it saw the other's marker, so the two ran at the same time.
    expect(first.seen).toContain(`1-${second.threadId}`);
    expect(second.seen).toContain(`0-${first.threadId}`);
  });

  it('loads the app and runs appStart hooks in every thread', async () => {
    const appStartDir = path.join(dir, 'app-start');
    fs.mkdirSync(appStartDir);
    const records: LogRecord[] = [];
    const host = await start({ workers: 3, settings: { APP_START_DIR: appStartDir } }, records);

    const threadIds = appStartThreads(appStartDir);
    expect(threadIds).toHaveLength(3);
    expect([...(await threadsServing(host, 3))].map(String).sort()).toEqual(threadIds);
    expect(records.find((record) => record.msg === 'host started')?.workers).toBe(3);
  });

  it('sends each idle invocation to the next thread in turn', async () => {
    const host = await start({ workers: 2 });
    const replies: { threadId: number; servedCount: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${host.url}/api/whoami`);
      replies.push((await response.json()) as { threadId: number; servedCount: number });
    }
    const threadIds = replies.map((reply) => reply.threadId);

    expect(threadIds[0]).not.toBe(threadIds[1]);
    expect(threadIds.slice(2)).toEqual(threadIds.slice(0, 2));
    // Module-level state is per thread: each thread counted only its own invocations.
    expect(replies.map((reply) => reply.servedCount)).toEqual([1, 1, 2, 2]);
  });

  it('restarts only the crashed thread while the other serves', async () => {
    const records: LogRecord[] = [];
    const host = await start({ workers: 2 }, records);
    const before = await threadsServing(host, 2);
    expect(before.size).toBe(2);

    fs.writeFileSync(holdFile, '');
    expect((await fetch(`${host.url}/api/crash`, { method: 'POST' })).status).toBe(500);
    const exited = await waitFor(() => records.find((record) => record.msg === 'app worker exited; restarting it'));
    expect(exited.reason).toBe('exit code 3');

    // The restart waits in the new thread's appStart hook until the hold file is gone.
    const during = await threadsServing(host, 4);
    expect(during.size).toBe(1);
    const [survivor] = [...during];
    expect(before.has(survivor)).toBe(true);
    expect(records.some((record) => record.msg === 'app worker restarted')).toBe(false);

    fs.rmSync(holdFile);
    const restarted = await waitFor(() => records.find((record) => record.msg === 'app worker restarted'));
    expect(restarted.worker).toBe(exited.worker);
    const after = await threadsServing(host, 4);
    expect(after.size).toBe(2);
    expect(after.has(survivor)).toBe(true);
    const [replacement] = [...after].filter((threadId) => threadId !== survivor);
    expect(before.has(replacement)).toBe(false);
    expect(records.filter((record) => record.msg === 'app worker exited; restarting it')).toHaveLength(1);
  });

  it('serves from the other thread after a failed restart', async () => {
    const records: LogRecord[] = [];
    const loadFailFile = path.join(dir, 'fail-load');
    const host = await start({ workers: 2, settings: { LOAD_FAIL_FILE: loadFailFile } }, records);
    const before = await threadsServing(host, 2);
    expect(before.size).toBe(2);

    fs.writeFileSync(loadFailFile, '');
    expect((await fetch(`${host.url}/api/crash`, { method: 'POST' })).status).toBe(500);
    const failed = await waitFor(() => records.find((record) => record.msg === 'app worker restart failed'));
    expect((failed.err as { message?: string } | undefined)?.message).toContain('fail-load exists');

    const after = await threadsServing(host, 4);
    expect(after.size).toBe(1);
    expect(before.has([...after][0])).toBe(true);
  });

  it('tags log records from each thread with its worker index', async () => {
    const records: LogRecord[] = [];
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `const { app } = require('@azure/functions');
app.http('note', { handler: (request, context) => { context.log('note'); return { body: 'ok' }; } });`,
    });
    const host = await start({ appDir, workers: 2 }, records);
    await fetch(`${host.url}/api/note`);
    await fetch(`${host.url}/api/note`);

    const notes = records.filter((record) => record.msg === 'note');
    expect(notes.map((record) => record.worker).sort()).toEqual([0, 1]);
  });

  it('takes the count from FUNCTIONS_WORKER_PROCESS_COUNT', async () => {
    const appStartDir = path.join(dir, 'app-start');
    fs.mkdirSync(appStartDir);
    await start({ settings: { APP_START_DIR: appStartDir, FUNCTIONS_WORKER_PROCESS_COUNT: '2' } });
    expect(appStartThreads(appStartDir)).toHaveLength(2);
  });

  it('lets the workers option win over the app setting', async () => {
    const appStartDir = path.join(dir, 'app-start');
    fs.mkdirSync(appStartDir);
    await start({ workers: 1, settings: { APP_START_DIR: appStartDir, FUNCTIONS_WORKER_PROCESS_COUNT: '3' } });
    expect(appStartThreads(appStartDir)).toHaveLength(1);
  });

  it('runs one thread by default', async () => {
    const appStartDir = path.join(dir, 'app-start');
    fs.mkdirSync(appStartDir);
    const records: LogRecord[] = [];
    const host = await start({ settings: { APP_START_DIR: appStartDir } }, records);

    expect(appStartThreads(appStartDir)).toHaveLength(1);
    expect((await threadsServing(host, 3)).size).toBe(1);
    expect(records.find((record) => record.msg === 'host started')?.workers).toBe(1);
  });

  it.each(['0', '11', 'abc', '1.5'])('rejects FUNCTIONS_WORKER_PROCESS_COUNT=%s', async (value) => {
    await expect(start({ settings: { FUNCTIONS_WORKER_PROCESS_COUNT: value } })).rejects.toThrow(
      `invalid app setting FUNCTIONS_WORKER_PROCESS_COUNT="${value}": set it to an integer from 1 to 10, or pass --workers`,
    );
  });

  it.each([0, 11, 1.5])('rejects the workers option %s', async (workers) => {
    await expect(start({ workers })).rejects.toThrow(`invalid worker count ${workers}: use an integer from 1 to 10`);
  });

  /**
   * Writes an app whose `crash` function ends its thread. Each file named by a setting changes how a new thread
   * starts. With `EXTRA_FUNCTION_FILE` it registers one more function, with `LOAD_FAIL_FILE` it fails to load, and
   * with `CRASH_LOOP_FILE` it ends itself 50 ms after its appStart hook.
   */
  function writeRestartApp(): string {
    return writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `const fs = require('node:fs');
const { threadId } = require('node:worker_threads');
const { app } = require('@azure/functions');
const exists = (name) => Boolean(process.env[name]) && fs.existsSync(process.env[name]);
if (exists('LOAD_FAIL_FILE')) throw new Error('LOAD_FAIL_FILE exists');
app.hook.appStart(() => {
  if (exists('CRASH_LOOP_FILE')) setTimeout(() => process.exit(4), 50);
});
app.http('whoami', { methods: ['GET'], handler: () => ({ jsonBody: { threadId } }) });
app.http('crash', { methods: ['POST'], handler: () => process.exit(3) });
if (exists('EXTRA_FUNCTION_FILE')) app.http('extra', { handler: () => ({ body: 'extra' }) });`,
    });
  }

  function restartSettings(): Record<string, string> {
    return {
      EXTRA_FUNCTION_FILE: path.join(dir, 'extra-function'),
      LOAD_FAIL_FILE: path.join(dir, 'fail-load'),
      CRASH_LOOP_FILE: path.join(dir, 'crash-loop'),
    };
  }

  /** Returns the failure of `host` if it has settled by now, else undefined. */
  async function settledFailure(host: RunningHost): Promise<Error | undefined> {
    return Promise.race([host.failure, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
  }

  it('rejects a restarted thread with other functions', async () => {
    const records: LogRecord[] = [];
    const settings = restartSettings();
    const host = await start({ appDir: writeRestartApp(), workers: 2, settings }, records);
    const before = await threadsServing(host, 2);
    expect(before.size).toBe(2);

    fs.writeFileSync(settings.EXTRA_FUNCTION_FILE, '');
    expect((await fetch(`${host.url}/api/crash`, { method: 'POST' })).status).toBe(500);
    const mismatch = await waitFor(() =>
      records.find((record) => record.msg === 'restarted app worker registered other functions; not using it'),
    );
    expect(mismatch.level).toBe(60);
    expect(mismatch.expected).toEqual(['crash', 'whoami']);
    expect(mismatch.actual).toEqual(['crash', 'extra', 'whoami']);

    const after = await threadsServing(host, 4);
    expect(after.size).toBe(1);
    expect(before.has([...after][0])).toBe(true);
    expect((await fetch(`${host.url}/api/extra`)).status).toBe(404);
    expect(records.filter((record) => record.level === 60)).toEqual([mismatch]);
    expect(records.some((record) => record.msg === 'app worker restarted')).toBe(false);
    expect(await settledFailure(host)).toBeUndefined();
  });

  it('stops the host after its only restart fails', async () => {
    const records: LogRecord[] = [];
    const settings = restartSettings();
    const host = await start({ appDir: writeRestartApp(), settings }, records);
    fs.writeFileSync(settings.EXTRA_FUNCTION_FILE, '');
    expect((await fetch(`${host.url}/api/crash`, { method: 'POST' })).status).toBe(500);

    const failure = await host.failure;
    expect(failure.message).toBe(
      'no app worker thread is left: The restarted app worker registered the functions [crash, extra, whoami], ' +
        'but the host started with [crash, whoami]: every worker thread loads the app, so register functions ' +
        'unconditionally at load time. Fix the crash and start the host again. Batches that were running resume ' +
        `from their saved state in ${host.dataDir}`,
    );
    await host.stop();
    expect(records.filter((record) => record.level === 60).map((record) => record.msg)).toEqual([
      'restarted app worker registered other functions; not using it',
      'no app worker thread is left; stopping the host',
    ]);
  });

  it('stops the host when no thread is left', async () => {
    const records: LogRecord[] = [];
    const settings = restartSettings();
    const host = await start({ appDir: writeRestartApp(), workers: 2, settings }, records);
    const before = await threadsServing(host, 2);
    expect(before.size).toBe(2);

    // One thread ends again after each restart until its supervisor gives up.
    fs.writeFileSync(settings.CRASH_LOOP_FILE, '');
    expect((await fetch(`${host.url}/api/crash`, { method: 'POST' })).status).toBe(500);
    const crashLoop = await waitFor(
      () => records.find((record) => record.msg === 'app worker keeps exiting; not restarting it'),
      60000,
    );
    fs.rmSync(settings.CRASH_LOOP_FILE);
    const survivors = await threadsServing(host, 3);
    expect(survivors.size).toBe(1);
    expect(before.has([...survivors][0])).toBe(true);
    expect(await settledFailure(host)).toBeUndefined();

    // The restart of the last thread fails, so none is left.
    fs.writeFileSync(settings.LOAD_FAIL_FILE, '');
    expect((await fetch(`${host.url}/api/crash`, { method: 'POST' })).status).toBe(500);
    const failure = await host.failure;
    expect(failure.message).toBe(
      'no app worker thread is left: The app worker could not be restarted: Loading index.js failed: ' +
        'Error: LOAD_FAIL_FILE exists. Fix the crash and start the host again. Batches that were running resume ' +
        `from their saved state in ${host.dataDir}`,
    );
    const fatal = records.filter((record) => record.msg === 'no app worker thread is left; stopping the host');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ level: 60, workers: 2, restarts: 7 });
    expect(fatal[0].reason).toBe(
      'The app worker could not be restarted: Loading index.js failed: Error: LOAD_FAIL_FILE exists',
    );
    expect(fatal[0].worker).toBeUndefined();
    expect(crashLoop.worker).not.toBe(records.find((record) => record.msg === 'app worker restart failed')?.worker);

    // The host stopped by itself, so the server no longer listens and the task hub lock is released.
    await host.stop();
    expect(records.some((record) => record.msg === 'host stopped')).toBe(true);
    expect(records.some((record) => record.msg === 'host stop step failed')).toBe(false);
    await expect(fetch(`${host.url}/api/whoami`)).rejects.toThrow();
    expect(fs.readdirSync(host.dataDir).filter((file) => file.endsWith('.lock'))).toEqual([]);
  });

  it('rejects threads that register different functions', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `const { app } = require('@azure/functions');
const { threadId } = require('node:worker_threads');
app.http('thread' + threadId, { handler: () => ({ body: 'ok' }) });`,
    });
    await expect(start({ appDir, workers: 2 })).rejects.toThrow(
      /^worker thread 1 registered the functions \[thread\d+\], but worker thread 0 registered \[thread\d+\]: every worker thread loads the app, so register functions unconditionally at load time, or run one worker with --workers 1$/,
    );
  });
});
