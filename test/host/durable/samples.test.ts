import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDurableTestHost, WEBHOOK, type DurableTestHost } from './support/durable-test-host';

type Json = Record<string, unknown>;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('backup sample (fan-out/fan-in)', () => {
  let t: DurableTestHost;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-sample-'));

  beforeAll(async () => {
    t = await startDurableTestHost('durable-backup');
  });

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('backs up every file and sums their sizes', async () => {
    const sizes = [10, 2048, 0, 777, 65536];
    fs.mkdirSync(path.join(folder, 'nested'));
    sizes.forEach((size, i) =>
      fs.writeFileSync(path.join(folder, i % 2 ? 'nested' : '', `file-${i}.txt`), 'x'.repeat(size)),
    );

    const started = await t.request('POST', '/api/orchestrators/backupSiteContent', JSON.stringify(folder));
    expect(started.status).toBe(202);
    const status = await t.waitForStatus((started.body as Json).id as string, ['Completed', 'Failed']);
    expect(status.output).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(fs.existsSync(path.join(folder, 'nested', 'file-1.txt.bak'))).toBe(true);
  });
});

describe('human interaction sample (timer and external event)', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-human-interaction');
  });

  afterAll(async () => {
    await t?.stop();
  });

  async function challengeCode(id: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const response = await t.request('GET', `${WEBHOOK}/instances/${id}?showHistory=true&showHistoryOutput=true`);
      const events = ((response.body as Json).historyEvents ?? []) as Json[];
      const sent = events.find((e) => e.EventType === 'TaskCompleted' && e.FunctionName === 'sendSmsChallenge');
      if (sent) {
        return sent.Result as number;
      }
      await pause(25);
    }
    throw new Error(`no challenge code was sent for ${id}`);
  }

  it('authorizes the right code after a wrong one', async () => {
    const started = await t.request('POST', '/api/verify', { phoneNumber: '+15555550100', timeoutSeconds: 30 });
    const id = (started.body as Json).id as string;
    const code = await challengeCode(id);
    await t.request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/SmsChallengeResponse`, JSON.stringify(code + 1));
    await t.request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/SmsChallengeResponse`, JSON.stringify(code));
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe(true);
  });

  it('refuses when the timer expires first', async () => {
    const started = await t.request('POST', '/api/verify', { phoneNumber: '+15555550101', timeoutSeconds: 1 });
    const id = (started.body as Json).id as string;
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe(false);
  });
});

describe('counter sample (durable entity)', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-counter');
  });

  afterAll(async () => {
    await t?.stop();
  });

  async function readCounter(key: string, expected: number): Promise<Json> {
    let state: Json = {};
    for (let i = 0; i < 200; i++) {
      state = (await t.request('GET', `/api/counter/${key}`)).body as Json;
      if (state.entityState === expected) {
        return state;
      }
      await pause(25);
    }
    return state;
  }

  it('adds signals from clients and reads the state', async () => {
    expect(((await t.request('GET', '/api/counter/fresh')).body as Json).entityExists).toBe(false);
    for (const amount of [1, 2, 3]) {
      expect((await t.request('POST', '/api/counter/c1/add', String(amount))).status).toBe(202);
    }
    expect(await readCounter('c1', 6)).toEqual({ entityExists: true, entityState: 6 });
  });

  it('signals and calls the entity from an orchestration', async () => {
    await t.request('POST', '/api/counter/c2/add', '5');
    await readCounter('c2', 5);
    const id = await t.start('counterOrchestration', 'c2');
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe(15);
  });

  it('serves entity state on the webhook API', async () => {
    await t.request('POST', '/api/counter/c3/add', '7');
    await readCounter('c3', 7);
    const state = await t.request('GET', `${WEBHOOK}/entities/counter/c3`);
    expect(state.status).toBe(200);
    expect(state.body).toBe(7);
    expect((await t.request('GET', `${WEBHOOK}/entities/counter/missing`)).status).toBe(404);
    expect((await t.request('POST', `${WEBHOOK}/entities/counter/c3`)).status).toBe(400);
  });
});
