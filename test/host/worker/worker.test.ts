import fs from 'node:fs';
import path from 'node:path';
import { RunningHost, startHost } from '../../../host/src/host';
import { captureLogs, FIXTURE_APPS, LogRecord, tempDir, waitFor, removeWrittenApps, writeApp } from './host-fixtures';

const CORE_REQUIRE = "const { app } = require('@azure/functions');\n";

describe('worker', () => {
  afterAll(() => removeWrittenApps());

  let dir: string;
  const hosts: RunningHost[] = [];

  beforeEach(() => {
    dir = tempDir('worker');
  });

  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(appDir: string, records: LogRecord[] = [], settings: Record<string, string> = {}) {
    const host = await startHost({
      appDir,
      port: 0,
      dataDir: path.join(dir, 'data'),
      settings,
      logger: captureLogs(records).logger,
    });
    hosts.push(host);
    return host;
  }

  it('runs hooks in order: appStart, preInvocation, postInvocation, appTerminate', async () => {
    const hookLog = path.join(dir, 'hooks.log');
    const host = await start(path.join(FIXTURE_APPS, 'basic-http'), [], { HOOK_LOG_FILE: hookLog });
    await fetch(`${host.url}/api/hello`);
    await fetch(`${host.url}/api/fail`);
    await hosts.pop()?.stop();

    expect(fs.readFileSync(hookLog, 'utf8').trim().split('\n')).toEqual([
      'appStart',
      'preInvocation hello',
      'postInvocation hello ok',
      'preInvocation fail',
      'postInvocation fail error boom: the database password is hunter2',
      'appTerminate after appStart',
    ]);
  });

  it('routes context.log levels to the logger with function name and invocation id', async () => {
    const records: LogRecord[] = [];
    const host = await start(path.join(FIXTURE_APPS, 'basic-http'), records);
    const invocationId = await (await fetch(`${host.url}/api/logs`)).text();

    const userRecords = records.filter((record) => record.invocationId === invocationId && record.category === 'user');
    expect(userRecords.map((record) => [record.level, record.msg])).toEqual([
      [10, 'trace message'],
      [20, 'debug message'],
      [30, 'info message'],
      [40, 'warn message'],
      [50, 'error message'],
      [30, 'log message { count: 2 }'],
    ]);
    expect(userRecords.every((record) => record.functionName === 'logs')).toBe(true);
  });

  it('invokes a function directly with an RPC trigger value', async () => {
    const host = await start(path.join(FIXTURE_APPS, 'basic-http'));
    const result = await host.invoker.invoke('hello', {
      trigger: { http: { method: 'GET', url: 'http://127.0.0.1/api/hello?name=rpc', query: { name: 'rpc' } } },
    });
    expect(result.error).toBeUndefined();
    const http = result.outputData.$return.http;
    expect(http?.statusCode).toBe('200');
    expect(Buffer.from(http?.body?.bytes ?? []).toString()).toBe('Hello, rpc!');
  });

  it('reports the message and stack of a failing function', async () => {
    const host = await start(path.join(FIXTURE_APPS, 'basic-http'));
    const result = await host.invoker.invoke('fail', {
      trigger: { http: { method: 'GET', url: 'http://127.0.0.1/api/fail' } },
    });
    expect(result.error?.message).toBe('boom: the database password is hunter2');
    expect(result.error?.stack).toContain('misc.js');
  });

  it('reports thrown non-Error values as the Node worker does', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}
for (const [name, value] of [['text', 'plain text'], ['object', { code: 7 }], ['nothing', undefined]]) {
  app.generic(name, { trigger: { type: 'customTrigger', name: 'input' }, handler: () => { throw value; } });
}
app.hook.preInvocation((context) => {
  if (context.invocationContext.functionName === 'text' && context.inputs[0] === 'hook throws null') throw null;
});`,
    });
    const host = await start(appDir);
    expect((await host.invoker.invoke('text', {})).error?.message).toBe('plain text');
    expect((await host.invoker.invoke('object', {})).error?.message).toBe('{"code":7}');
    // The worker fails an invocation only when the caught error is neither null nor undefined.
    expect((await host.invoker.invoke('nothing', {})).error).toBeUndefined();
    const hookFailure = await host.invoker.invoke('text', { trigger: { string: 'hook throws null' } });
    expect(hookFailure.error?.message).toBe('Unknown error');
  });

  it('rejects a duplicate function name at start-up', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}app.http('twice', { handler: () => ({}) });\napp.http('twice', { handler: () => ({}) });`,
    });
    await expect(start(appDir)).rejects.toThrow('A function with the name "twice" has already been registered');
  });

  it('rejects registrations after the app has loaded', async () => {
    const records: LogRecord[] = [];
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}app.http('first', { handler: () => ({}) });
setTimeout(() => app.http('late', { handler: () => ({}) }), 50);`,
    });
    const host = await start(appDir, records);
    const failure = await waitFor(() => records.find((record) => String(record.msg).startsWith('Uncaught exception')));
    expect(failure.msg).toContain('A function can only be registered while the app loads; "late" came later');
    expect([...host.functions.keys()]).toEqual(['first']);
  });

  it('throws RangeError for an unknown hook name', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}const core = require('@azure/functions-core');
let outcome = 'no error';
try { core.registerHook('beforeEverything', () => {}); } catch (error) { outcome = error instanceof RangeError ? 'RangeError: ' + error.message : 'other'; }
app.http('outcome', { handler: () => ({ body: outcome }) });`,
    });
    const host = await start(appDir);
    expect(await (await fetch(`${host.url}/api/outcome`)).text()).toBe(
      'RangeError: Unknown hook "beforeEverything": use one of preInvocation, postInvocation, appStart, appTerminate, log',
    );
  });

  it('lets log hooks change level and message', async () => {
    const records: LogRecord[] = [];
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}app.hook.log((context) => {
  if (context.category !== 'user') return;
  context.message = context.message.replace('s3cr3t', '***');
  if (context.message.startsWith('noisy')) context.level = 'debug';
});
app.http('talk', { handler: (request, context) => { context.info('token s3cr3t'); context.warn('noisy line'); return {}; } });`,
    });
    const host = await start(appDir, records);
    await fetch(`${host.url}/api/talk`);

    const user = records.filter((record) => record.category === 'user');
    expect(user.map((record) => [record.level, record.msg])).toEqual([
      [30, 'token ***'],
      [20, 'noisy line'],
    ]);
  });

  it('keeps logging when a log hook throws', async () => {
    const records: LogRecord[] = [];
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}app.hook.log(() => { throw new Error('hook bug'); });
app.http('talk', { handler: (request, context) => { context.info('still logged'); return { body: 'ok' }; } });`,
    });
    const host = await start(appDir, records);
    const response = await fetch(`${host.url}/api/talk`);

    expect(await response.text()).toBe('ok');
    expect(records.some((record) => record.msg === 'still logged')).toBe(true);
    expect(records.some((record) => String(record.msg).startsWith('Log hook failed: Error: hook bug'))).toBe(true);
  });

  it('loads ES module entry files with import()', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'src/*.{js,mjs}', type: 'module' }),
      'src/esm.js': `import { app } from '@azure/functions';\napp.http('esm', { handler: () => ({ body: import.meta.url }) });`,
      'src/other.mjs': `import { app } from '@azure/functions';\napp.http('mjs', { handler: () => ({ body: 'mjs' }) });`,
    });
    const host = await start(appDir);
    expect(await (await fetch(`${host.url}/api/esm`)).text()).toBe(`file://${appDir}/src/esm.js`);
    expect(await (await fetch(`${host.url}/api/mjs`)).text()).toBe('mjs');
  });

  it('gives a dependency with its own copy of @azure/functions the app instance', async () => {
    const installed = path.dirname(require.resolve('@azure/functions/package.json'));
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'node_modules/plugin/package.json': JSON.stringify({ name: 'plugin', main: 'index.js' }),
      'node_modules/plugin/index.js': "module.exports = require('@azure/functions');",
      'index.js': `${CORE_REQUIRE}const fromPlugin = require('plugin');
app.http('same', { handler: () => ({ body: String(fromPlugin === require('@azure/functions')) }) });`,
    });
    const nested = path.join(appDir, 'node_modules/plugin/node_modules/@azure/functions');
    fs.cpSync(installed, nested, {
      recursive: true,
      filter: (source) => !source.includes('node_modules/@azure/functions/src'),
    });

    const host = await start(appDir);
    expect(await (await fetch(`${host.url}/api/same`)).text()).toBe('true');
  });

  it('restarts the worker thread when the app exits it', async () => {
    const records: LogRecord[] = [];
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}let started = false;
app.hook.appStart(() => { started = true; });
app.http('ping', { handler: () => ({ body: 'started ' + started }) });
app.http('crash', { handler: () => process.exit(3) });`,
    });
    const host = await start(appDir, records);
    expect(await (await fetch(`${host.url}/api/ping`)).text()).toBe('started true');

    expect((await fetch(`${host.url}/api/crash`)).status).toBe(500);
    await waitFor(() => records.find((record) => record.msg === 'app worker restarted'));
    expect(await (await fetch(`${host.url}/api/ping`)).text()).toBe('started true');
    expect(records.find((record) => record.msg === 'app worker exited; restarting it')?.reason).toBe('exit code 3');
  });

  it('rejects an app that enables HTTP streaming', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `${CORE_REQUIRE}app.setup({ enableHttpStream: true });\napp.http('stream', { handler: () => ({}) });`,
    });
    await expect(start(appDir)).rejects.toThrow(
      'HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by this host: remove it',
    );
  });

  it('fails a function past functionTimeout and restarts the worker', async () => {
    const records: LogRecord[] = [];
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'host.json': JSON.stringify({ version: '2.0', functionTimeout: '00:00:01' }),
      'index.js': `${CORE_REQUIRE}app.http('spin', { handler: () => { for (;;) {} } });
app.http('ping', { handler: () => ({ body: 'pong' }) });`,
    });
    const host = await start(appDir, records);

    const result = await host.invoker.invoke('spin', {
      trigger: { http: { method: 'GET', url: `${host.url}/api/spin` } },
    });
    expect(result.error?.message).toBe(
      `Timeout value of 1000 ms exceeded by function "spin" (id ${result.invocationId})`,
    );
    expect(await (await fetch(`${host.url}/api/ping`)).text()).toBe('pong');
    expect(records.some((record) => record.msg === 'function timed out; restarting the app worker')).toBe(true);
  });

  it('reports an entry file that throws while loading', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': "throw new Error('cannot load: missing configuration');",
    });
    await expect(start(appDir)).rejects.toThrow(/^Loading index\.js failed: Error: cannot load: missing configuration/);
  });
});
