import { startDurableTestHost, WEBHOOK, type DurableTestHost } from './support/durable-test-host';

type Json = Record<string, unknown>;
const statusTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('durable HTTP API', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-patterns');
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('answers a start with 202, the management links and Location', async () => {
    const response = await t.request('POST', `${WEBHOOK}/orchestrators/chain/links-1`);
    expect(response.status).toBe(202);
    const body = response.body as Json;
    expect(body.id).toBe('links-1');
    expect(body.statusQueryGetUri).toBe(
      `${t.host.url}${WEBHOOK}/instances/links-1?taskHub=PatternsHub&connection=Storage`,
    );
    expect(body.sendEventPostUri).toContain('/instances/links-1/raiseEvent/{eventName}?');
    expect(body.terminatePostUri).toContain('/instances/links-1/terminate?reason={text}&');
    expect(response.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(response.headers.get('retry-after')).toBe('10');
  });

  it('answers status with 202 while running and 200 when done', async () => {
    const id = await t.start('waitForGo', { hello: 'world' });
    await t.waitForStatus(id, ['Running']);
    const running = await t.request('GET', `${WEBHOOK}/instances/${id}`);
    expect(running.status).toBe(202);
    expect(running.headers.get('location')).toBe(`${t.host.url}${WEBHOOK}/instances/${id}`);
    expect(running.body).toEqual({
      name: 'waitForGo',
      instanceId: id,
      runtimeStatus: 'Running',
      input: { hello: 'world' },
      customStatus: null,
      output: null,
      createdTime: expect.stringMatching(statusTime),
      lastUpdatedTime: expect.stringMatching(statusTime),
    });

    await t.request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/go`, '"done"');
    await t.waitForStatus(id, ['Completed']);
    const done = await t.request('GET', `${WEBHOOK}/instances/${id}?showInput=false`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ runtimeStatus: 'Completed', output: 'done', input: null });
  });

  it('waits for completion when timeout and pollingInterval are given', async () => {
    const response = await t.request('POST', `${WEBHOOK}/orchestrators/chain?timeout=10&pollingInterval=1`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
  });

  it('answers 404 for an unknown instance', async () => {
    expect((await t.request('GET', `${WEBHOOK}/instances/nobody`)).status).toBe(404);
    expect((await t.request('POST', `${WEBHOOK}/instances/nobody/raiseEvent/go`, '1')).status).toBe(404);
    expect((await t.request('POST', `${WEBHOOK}/instances/nobody/terminate?reason=x`)).status).toBe(404);
    expect((await t.request('GET', `${WEBHOOK}/no/such/route`)).status).toBe(404);
    const id = await t.start('chain');
    expect((await t.request('GET', `${WEBHOOK}/instances/${id}?taskHub=OtherHub`)).status).toBe(404);
    expect((await t.request('GET', `${WEBHOOK}/instances/${id}?taskHub=patternshub`)).status).not.toBe(404);
  });

  it('answers an unknown instance with an empty 404', async () => {
    const response = await t.request('GET', `${WEBHOOK}/instances/nobody`);

    expect(response.status).toBe(404);
    expect(response.body).toBeUndefined();
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const response = await t.request('PUT', `${WEBHOOK}/instances/nobody`);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, DELETE');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((response.body as Json).error).toBe(`PUT is not allowed for ${WEBHOOK}/instances/nobody: use GET, DELETE.`);
  });

  it.each([
    ['an unknown route', 'GET', `${WEBHOOK}/no/such/route`, undefined, 404, 'No Durable API route'],
    ['an event for an unknown instance', 'POST', `${WEBHOOK}/instances/nobody/raiseEvent/go`, '1', 404, "'nobody'"],
    ['another task hub', 'GET', `${WEBHOOK}/instances?taskHub=OtherHub`, undefined, 404, "'OtherHub'"],
    [
      'a purge that matches nothing',
      'DELETE',
      `${WEBHOOK}/instances?createdTimeFrom=2999-01-01`,
      undefined,
      404,
      'none',
    ],
    ['an unknown entity', 'GET', `${WEBHOOK}/entities/counter/nobody`, undefined, 404, "'nobody'"],
    ['a bad page size', 'GET', `${WEBHOOK}/instances?top=0`, undefined, 400, 'top=0'],
    ['a wrong method', 'PATCH', `${WEBHOOK}/instances`, undefined, 405, 'PATCH is not allowed'],
    ['an oversized event', 'POST', `${WEBHOOK}/instances/x/raiseEvent/go`, `"${'x'.repeat(1048576)}"`, 413, 'exceeds'],
  ])('answers %s with the host error shape', async (_case, method, url, body, status, fragment) => {
    const response = await t.request(method, url, body);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof (response.body as Json).error).toBe('string');
    expect((response.body as Json).error).toContain(fragment);
  });

  it.each([
    [
      'an unknown orchestrator',
      'POST',
      `${WEBHOOK}/orchestrators/noSuchOrchestrator`,
      undefined,
      "'noSuchOrchestrator'",
    ],
    ['invalid JSON input', 'POST', `${WEBHOOK}/orchestrators/chain`, '{not json', 'not valid JSON'],
    ['an instance id starting with @', 'POST', `${WEBHOOK}/orchestrators/chain/@bad`, undefined, "'@bad'"],
    ['an unknown runtime status', 'GET', `${WEBHOOK}/instances?runtimeStatus=Sleeping`, undefined, "'Sleeping'"],
    [
      'an invalid date',
      'GET',
      `${WEBHOOK}/instances?createdTimeFrom=yesterday`,
      undefined,
      'createdTimeFrom=yesterday',
    ],
    ['a zero page size', 'GET', `${WEBHOOK}/instances?top=0`, undefined, 'top=0'],
    ['a purge without createdTimeFrom', 'DELETE', `${WEBHOOK}/instances`, undefined, 'createdTimeFrom'],
  ])('answers 400 with a JSON error for %s', async (_case, method, url, body, fragment) => {
    const response = await t.request(method, url, body);
    expect(response.status).toBe(400);
    expect((response.body as Json).ExceptionMessage).toContain(fragment);
  });

  it('answers 400 for event data that is not JSON', async () => {
    const id = await t.start('waitForGo');
    const response = await t.request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/go`, 'plain', {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(400);
    await t.request('POST', `${WEBHOOK}/instances/${id}/terminate?reason=cleanup`);
  });

  it('lists instances with filters and continuation tokens', async () => {
    const prefix = `list-${Date.now()}-`;
    for (let i = 0; i < 5; i++) {
      await t.start('chain', undefined, `${prefix}${i}`);
    }
    for (let i = 0; i < 5; i++) {
      await t.waitForStatus(`${prefix}${i}`, ['Completed']);
    }
    const ids: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const response = await t.request(
        'GET',
        `${WEBHOOK}/instances?instanceIdPrefix=${prefix}&top=2&runtimeStatus=Completed,Failed`,
        undefined,
        token ? { 'x-ms-continuation-token': token } : {},
      );
      expect(response.status).toBe(200);
      ids.push(...(response.body as Json[]).map((s) => s.instanceId as string));
      token = response.headers.get('x-ms-continuation-token');
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(ids.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}${i}`));

    const future = new Date(Date.now() + 3600000).toISOString();
    const none = await t.request('GET', `${WEBHOOK}/instances?instanceIdPrefix=${prefix}&createdTimeFrom=${future}`);
    expect(none.body).toEqual([]);
    const running = await t.request('GET', `${WEBHOOK}/instances?instanceIdPrefix=${prefix}&runtimeStatus=Running`);
    expect(running.body).toEqual([]);
  });

  it('purges by filter and answers 404 when nothing matches', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const id = await t.start('chain');
    await t.waitForStatus(id, ['Completed']);
    const purged = await t.request('DELETE', `${WEBHOOK}/instances?createdTimeFrom=${from}&runtimeStatus=Completed`);
    expect(purged.status).toBe(200);
    expect((purged.body as Json).instancesDeleted).toBeGreaterThanOrEqual(1);
    expect((await t.request('GET', `${WEBHOOK}/instances/${id}`)).status).toBe(404);
    const again = await t.request('DELETE', `${WEBHOOK}/instances?createdTimeFrom=${from}&runtimeStatus=Completed`);
    expect(again.status).toBe(404);
  });

  it('answers 500 for a failed instance when asked to', async () => {
    const id = await t.start('unknownActivity');
    await t.waitForStatus(id, ['Failed']);
    expect((await t.request('GET', `${WEBHOOK}/instances/${id}`)).status).toBe(200);
    const strict = await t.request('GET', `${WEBHOOK}/instances/${id}?returnInternalServerErrorOnFailure=true`);
    expect(strict.status).toBe(500);
  });

  it('rewinds a failed instance so the failed activity runs again', async () => {
    const id = await t.start('failsOnce', { key: `rewind-${Date.now()}` });
    await t.waitForStatus(id, ['Failed']);
    expect((await t.request('POST', `${WEBHOOK}/instances/${id}/rewind?reason=retry`)).status).toBe(202);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(2);
    expect((await t.request('POST', `${WEBHOOK}/instances/${id}/rewind?reason=again`)).status).toBe(410);
  });

  it('restarts an instance under a new id with the same input', async () => {
    const id = await t.start('fanOut', { count: 3 });
    await t.waitForStatus(id, ['Completed']);
    const restarted = await t.request('POST', `${WEBHOOK}/instances/${id}/restart`);
    expect(restarted.status).toBe(202);
    const newId = (restarted.body as Json).id as string;
    expect(newId).not.toBe(id);
    const status = await t.waitForStatus(newId, ['Completed']);
    expect(status.output).toEqual({ count: 3, sum: 6 });
  });

  it('serves the durable-functions client through the client binding', async () => {
    const started = await t.request('POST', '/api/start/waitForGo/client-1', '{"from":"client"}');
    expect(started.status).toBe(202);
    expect((started.body as Json).statusQueryGetUri).toContain(`${t.host.url}${WEBHOOK}/instances/client-1?`);
    await t.waitForStatus('client-1', ['Running']);

    const status = await t.request('POST', '/api/manage/status/client-1');
    expect(status.body).toMatchObject({ name: 'waitForGo', instanceId: 'client-1', input: { from: 'client' } });
    const running = await t.request('POST', '/api/manage/running');
    expect((running.body as Json[]).map((s) => s.instanceId)).toContain('client-1');
    expect((await t.request('POST', '/api/manage/suspend/client-1')).status).toBe(202);
    await t.waitForStatus('client-1', ['Suspended']);
    expect((await t.request('POST', '/api/manage/resume/client-1')).status).toBe(202);
    await t.waitForStatus('client-1', ['Running']);
    expect((await t.request('POST', '/api/manage/raise/client-1', '"from the client"')).status).toBe(202);
    const done = await t.waitForStatus('client-1', ['Completed']);
    expect(done.output).toBe('from the client');
    const purged = await t.request('POST', '/api/manage/purge/client-1');
    expect(purged.body).toEqual({ instancesDeleted: 1 });
  });

  it('returns client binding data built from the base URL and hub name', () => {
    const fn = [...t.host.functions.values()].find((f) => f.name === 'startOrchestration');
    const binding = JSON.parse(t.engine.clientBinding(fn!, 'client').string as string) as Json;
    expect(binding.taskHubName).toBe('PatternsHub');
    expect(binding.rpcBaseUrl).toBe(`${t.host.url}${WEBHOOK}/`);
    expect(binding.baseUrl).toBe(`${t.host.url}${WEBHOOK}`);
    expect(binding.requiredQueryStringParameters).toBe('');
    expect((binding.managementUrls as Json).id).toBe('INSTANCEID');
    expect((binding.creationUrls as Json).createNewInstancePostUri).toBe(
      `${t.host.url}${WEBHOOK}/orchestrators/{functionName}[/{instanceId}]?`,
    );
  });
});
