import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDurableTestHost, WEBHOOK, type DurableTestHost } from './support/durable-test-host';

type Json = Record<string, unknown>;

/** A job API on loopback: POST returns 202 with Location, the first poll 202 again, the second 200. */
function startJobServer(): Promise<{ url: string; requests: string[]; close(): void }> {
  const requests: string[] = [];
  let polls = 0;
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (request.method === 'POST') {
      response.writeHead(202, { location: `${origin}/jobs/1`, 'retry-after': '1' }).end();
    } else if (++polls < 2) {
      response.writeHead(202, { location: `${origin}/jobs/1`, 'retry-after': '1' }).end();
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"done":true}');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs`,
        requests,
        close: () => server.close(),
      }),
    ),
  );
}

describe('engine features', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-patterns');
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('polls a 202 response of callHttp until the job is done', async () => {
    const jobs = await startJobServer();
    try {
      const id = await t.start('httpPoll', { url: jobs.url });
      const status = await t.waitForStatus(id, ['Completed', 'Failed']);
      expect(status.output).toEqual({ statusCode: 200, content: '{"done":true}' });
      expect(jobs.requests).toEqual(['POST /jobs', 'GET /jobs/1', 'GET /jobs/1']);
    } finally {
      jobs.close();
    }
  });

  it('keeps activity concurrency within maxConcurrentActivityFunctions', async () => {
    const id = await t.start('concurrencyProbe', { count: 60, delayMs: 30 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBeLessThanOrEqual(16);
    expect(status.output).toBeGreaterThan(1);
  });

  it('fails an orchestration that schedules more than maxOrchestrationActions', async () => {
    const id = await t.start('fanOut', { count: 4501 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toContain('more than maxOrchestrationActions (4500)');
  });

  it('shows activity times, failures and sub-orchestrations on the dashboard route', async () => {
    const id = await t.start('parent', { key: `dash-${Date.now()}` }, `dash-${Date.now()}`);
    await t.waitForStatus(id, ['Completed']);
    const detail = (await t.request('GET', `${WEBHOOK}/dashboard/instances/${id}`)).body as Json;
    const children = detail.subOrchestrations as Json[];
    expect(children.map((c) => c.name).sort()).toEqual(['child', 'child', 'child', 'flakyChild', 'flakyChild']);
    const failedChild = children.find((c) => c.runtimeStatus === 'Failed') as Json;
    const childDetail = (await t.request('GET', `${WEBHOOK}/dashboard/instances/${failedChild.instanceId}`))
      .body as Json;
    expect((childDetail.instance as Json).output).toContain('failed');

    const retried = children.filter((c) => c.name === 'flakyChild');
    const attempt = (await t.request('GET', `${WEBHOOK}/dashboard/instances/${retried[0].instanceId}`)).body as Json;
    const [work] = attempt.activities as Json[];
    expect(work).toMatchObject({ name: 'countAttempt', status: 'Completed', dispatchCount: 1, failureReason: null });
    for (const field of ['scheduledTime', 'startedTime', 'completedTime']) {
      expect(Date.parse(work[field] as string)).not.toBeNaN();
    }

    const list = (await t.request('GET', `${WEBHOOK}/dashboard/instances?instanceIdPrefix=${id}`)).body as Json[];
    expect(list.map((i) => i.instanceId)).toContain(id);
  });

  it('records failure reasons of activities', async () => {
    const id = await t.start('retryExhausted');
    await t.waitForStatus(id, ['Failed']);
    const detail = (await t.request('GET', `${WEBHOOK}/dashboard/instances/${id}`)).body as Json;
    const activities = detail.activities as Json[];
    expect(activities).toHaveLength(3);
    expect(activities.every((a) => a.status === 'Failed')).toBe(true);
    expect(activities[0].failureReason).toBe("Activity function 'alwaysFails' failed: nope");
  });
});
