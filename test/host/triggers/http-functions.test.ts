import fs from 'node:fs';
import path from 'node:path';
import { RunningHost, startHost } from '../../../host/src/host';
import { captureLogs, FIXTURE_APPS, LogRecord, tempDir } from '../worker/host-fixtures';

describe('HTTP functions', () => {
  let host: RunningHost;
  let records: LogRecord[];
  let dataDir: string;

  beforeAll(async () => {
    const capture = captureLogs();
    records = capture.records;
    dataDir = tempDir('http-functions');
    host = await startHost({
      appDir: path.join(FIXTURE_APPS, 'basic-http'),
      port: 0,
      dataDir,
      maxRequestBytes: 64 * 1024,
      settings: { GREETING_SETTING: 'from settings' },
      logger: capture.logger,
    });
  });

  afterAll(async () => {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (pathAndQuery: string, init?: RequestInit) => fetch(`${host.url}${pathAndQuery}`, init);

  it('serves the query string to the function', async () => {
    const response = await call('/api/hello?name=Ada');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello, Ada!');
  });

  it('passes a text body', async () => {
    const response = await call('/api/hello', { method: 'POST', body: 'Grace' });
    expect(await response.text()).toBe('Hello, Grace!');
  });

  it('matches route parameters, an optional segment and headers', async () => {
    const response = await call('/api/items/42/details?sort=asc&tag=a&tag=b', {
      headers: { 'x-test': 'header value' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      id: '42',
      part: 'details',
      sort: 'asc',
      tags: ['a,b'],
      header: 'header value',
    });
  });

  it('leaves an optional parameter out when the segment is missing', async () => {
    const body = (await (await call('/api/items/7')).json()) as { id: string; part: unknown };
    expect(body.id).toBe('7');
    expect(body.part).toBeNull();
  });

  it('routes by constraint: int and alpha', async () => {
    expect(await (await call('/api/items/abc')).json()).toEqual({ name: 'abc' });
    expect((await call('/api/items/abc1')).status).toBe(404);
  });

  it('matches literals case-insensitively', async () => {
    expect((await call('/API/Items/3')).status).toBe(200);
  });

  it('returns status, headers, cookies and a JSON body', async () => {
    const response = await call('/api/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 9, name: 'widget' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/items/9');
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual([
      'session=abc123; Path=/; HttpOnly; SameSite=Lax',
      'theme=dark; Max-Age=3600; Secure',
    ]);
    expect(await response.json()).toEqual({ created: { id: 9, name: 'widget' } });
  });

  it('returns a text body with the content type the function set', async () => {
    const response = await call('/api/shout', { method: 'PUT', body: 'quiet' });
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('QUIET');
  });

  it('uses the status code the function returns', async () => {
    const response = await call('/api/status/418');
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('status 418');
  });

  it('answers 204 when the function returns nothing', async () => {
    expect((await call('/api/nothing')).status).toBe(204);
  });

  it('answers 405 with Allow when only the method differs', async () => {
    const response = await call('/api/items/5', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toEqual({ error: 'DELETE is not allowed for /api/items/5: use GET' });
  });

  it('answers 404 JSON for an unknown path', async () => {
    const response = await call('/api/does-not-exist');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'No function or API is served at GET /api/does-not-exist' });
  });

  it('accepts a body at the size limit', async () => {
    const response = await call('/api/size', { method: 'POST', body: Buffer.alloc(64 * 1024) });
    expect(await response.json()).toEqual({ bytes: 64 * 1024 });
  });

  it('answers 413 JSON for a body over the limit', async () => {
    const response = await call('/api/size', { method: 'POST', body: Buffer.alloc(64 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'The request body exceeds the maximum of 65536 bytes: send a smaller body',
    });
  });

  it('answers 500 without the error details when the function throws', async () => {
    const response = await call('/api/fail');
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string; invocationId: string };
    expect(body.error).toBe('Function "fail" failed: see the host log');
    expect(JSON.stringify(body)).not.toContain('hunter2');

    const logged = records.find((record) => record.msg === 'HTTP function failed');
    expect(logged?.invocationId).toBe(body.invocationId);
    expect((logged?.err as { stack: string }).stack).toContain('misc.js');
  });

  it('gives the app its settings as environment variables', async () => {
    const response = await call('/api/env?name=GREETING_SETTING');
    expect(await response.json()).toEqual({ value: 'from settings' });
  });

  it('sets WEBSITE_HOSTNAME to the host origin', async () => {
    const response = await call('/api/env?name=WEBSITE_HOSTNAME');
    expect(await response.json()).toEqual({ value: `127.0.0.1:${host.port}` });
  });

  it('builds the request URL from the public origin, not the Host header', async () => {
    await call('/api/hello?name=url', { headers: { 'x-forwarded-host': 'evil.example' } });
    const logged = records.find((record) => record.functionName === 'hello' && String(record.msg).includes('name=url'));
    expect(logged?.msg).toBe(`Http function processed request for url "${host.url}/api/hello?name=url"`);
  });
});
