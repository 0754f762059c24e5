import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { HostHttpRequest } from '../../../host/src/contracts';
import { RunningHost, startHost } from '../../../host/src/host';
import { isLoopback } from '../../../host/src/triggers/http-server';
import { captureLogs, LogRecord, tempDir, waitFor, removeWrittenApps, writeApp } from '../worker/host-fixtures';

const URL_APP = {
  'package.json': JSON.stringify({ main: 'index.js' }),
  'index.js': `const { app } = require('@azure/functions');
app.http('whereAmI', { route: 'where', handler: (request) => ({ body: request.url }) });
app.http('catchAll', { route: '{*path}', methods: ['GET'], handler: (request) => ({ body: 'catch-all ' + request.params.path }) });`,
};

describe('HTTP server options', () => {
  afterAll(() => removeWrittenApps());

  let dataDir: string;
  const hosts: RunningHost[] = [];

  beforeEach(() => {
    dataDir = tempDir('http-server');
  });

  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(
    appDir: string,
    options: { publicUrl?: string; trustedProxy?: boolean } = {},
    records: LogRecord[] = [],
  ) {
    const host = await startHost({ appDir, port: 0, dataDir, logger: captureLogs(records).logger, ...options });
    hosts.push(host);
    return host;
  }

  it('uses --public-url as the request origin', async () => {
    const host = await start(writeApp(URL_APP), { publicUrl: 'https://functions.example.test' });
    expect(host.url).toBe('https://functions.example.test');
    const response = await fetch(`http://127.0.0.1:${host.port}/api/where?x=1`);
    expect(await response.text()).toBe('https://functions.example.test/api/where?x=1');
  });

  it('keeps idle keep-alive connections past the client idle timeout', async () => {
    const host = await start(writeApp(URL_APP));
    const socket = net.connect(host.port, '127.0.0.1');
    let closedAt: number | undefined;
    socket.on('close', () => (closedAt = Date.now()));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const request = 'GET /api/where HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';

    socket.write(request);
    await waitFor(() => received.includes('/api/where') || undefined);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(closedAt).toBeUndefined();

    received = '';
    socket.write(request);
    await waitFor(() => received.includes('/api/where') || undefined);
    socket.destroy();
  }, 30000);

  it('keeps the public origin for an absolute-form request target', async () => {
    const host = await start(writeApp(URL_APP));
    const body = await new Promise<string>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: host.port, path: 'http://evil.example.test/api/where?x=1' },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(body).toBe(`${host.url}/api/where?x=1`);
  });

  it('keeps a path that starts with two slashes', async () => {
    const host = await start(writeApp(URL_APP));
    const { status, body } = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: host.port, path: '//api/where' }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, body: text }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(404);
    expect((JSON.parse(body) as { error: string }).error).toBe('No function or API is served at GET //api/where');
  });

  it('ignores X-Forwarded-Host unless the proxy is trusted', async () => {
    const untrusted = await start(writeApp(URL_APP));
    const headers = { 'x-forwarded-host': 'proxy.example.test', 'x-forwarded-proto': 'https' };
    expect(await (await fetch(`${untrusted.url}/api/where`, { headers })).text()).toBe(`${untrusted.url}/api/where`);

    const trusted = await start(writeApp(URL_APP), { trustedProxy: true });
    expect(await (await fetch(`${trusted.url}/api/where`, { headers })).text()).toBe(
      'https://proxy.example.test/api/where',
    );
  });

  it('serves functions from the root when routePrefix is empty', async () => {
    const appDir = writeApp({ ...URL_APP, 'host.json': JSON.stringify({ extensions: { http: { routePrefix: '' } } }) });
    const host = await start(appDir);
    expect(await (await fetch(`${host.url}/where`)).text()).toBe(`${host.url}/where`);
  });

  it('prefers a literal route over a catch-all', async () => {
    const host = await start(writeApp(URL_APP));
    expect(await (await fetch(`${host.url}/api/where`)).text()).toBe(`${host.url}/api/where`);
    expect(await (await fetch(`${host.url}/api/some/deep/path`)).text()).toBe('catch-all some/deep/path');
  });

  it('rejects an invalid percent-encoding with 400', async () => {
    const host = await start(writeApp(URL_APP));
    for (const path of ['/api/%ZZ', '/api/items/%E0%A4%A', '/api/100%']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(`The path ${path} has an invalid`);
    }
    expect(await (await fetch(`${host.url}/api/a%25b`)).text()).toBe('catch-all a%b');
  });

  it('asks added handlers for paths the functions do not serve', async () => {
    const host = await start(
      writeApp({ ...URL_APP, 'index.js': "require('@azure/functions').app.http('only', { handler: () => ({}) });" }),
    );
    host.addHttpHandler({
      handle: async (request: HostHttpRequest) =>
        request.url.pathname === '/'
          ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<h1>home</h1>' }
          : undefined,
    });
    expect(await (await fetch(`${host.url}/`)).text()).toBe('<h1>home</h1>');
  });

  it('answers 500 JSON when a handler throws, logging the error', async () => {
    const records: LogRecord[] = [];
    const host = await start(writeApp(URL_APP), {}, records);
    host.addHttpHandler({
      handle: async () => {
        throw new Error('handler bug');
      },
    });
    const response = await fetch(`${host.url}/other`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'The host failed to handle the request: see the host log' });
    expect(records.some((record) => record.msg === 'HTTP request failed')).toBe(true);
  });

  it('holds requests that arrive while the app starts', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': `const { app } = require('@azure/functions');
app.hook.appStart(() => new Promise((resolve) => setTimeout(resolve, 1500)));
app.http('ping', { handler: () => ({ body: 'pong' }) });`,
    });
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const starting = startHost({ appDir, port, dataDir, logger: captureLogs().logger });
    const early = await waitFor(async () => {
      try {
        return await fetch(`http://127.0.0.1:${port}/api/ping`);
      } catch {
        return undefined;
      }
    });
    hosts.push(await starting);
    expect(early.status).toBe(200);
    expect(await early.text()).toBe('pong');
  });

  it('does not serve a function disabled by app setting', async () => {
    const appDir = writeApp(URL_APP);
    const host = await startHost({
      appDir,
      port: 0,
      dataDir,
      settings: { 'AzureWebJobs.whereAmI.Disabled': 'true' },
      logger: captureLogs().logger,
    });
    hosts.push(host);
    expect(await (await fetch(`${host.url}/api/where`)).text()).toBe('catch-all where');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
  ])('treats %p as loopback: %p', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
