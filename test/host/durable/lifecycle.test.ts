import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDurableTestHost, WEBHOOK, type DurableTestHost } from './support/durable-test-host';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('instance lifecycle on the local host', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-patterns');
  });

  afterAll(async () => {
    await t?.stop();
  });

  const raise = (id: string, name: string, data: unknown) =>
    t.request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/${name}`, JSON.stringify(data));

  it('delivers events raised before and after the wait, twice with one name', async () => {
    const id = await t.start('twoEvents', { sleepMs: 300 });
    expect((await raise(id, 'step', 'early')).status).toBe(202);
    const waiting = await t.waitForStatus(id, ['Running']);
    expect(waiting.runtimeStatus).toBe('Running');
    await waitForCustomStatus(id, 'waiting for the second step');
    expect((await raise(id, 'step', 'late')).status).toBe(202);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toEqual(['early', 'late']);
  });

  async function waitForCustomStatus(id: string, expected: unknown): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const response = await t.request('GET', `${WEBHOOK}/instances/${id}`);
      if (JSON.stringify((response.body as Record<string, unknown>).customStatus) === JSON.stringify(expected)) {
        return;
      }
      await pause(25);
    }
    throw new Error(`custom status of ${id} never became ${JSON.stringify(expected)}`);
  }

  it('terminates a waiting instance and ignores later events', async () => {
    const id = await t.start('waitForGo');
    await t.waitForStatus(id, ['Running']);
    const terminated = await t.request('POST', `${WEBHOOK}/instances/${id}/terminate?reason=enough`);
    expect(terminated.status).toBe(202);
    const status = await t.waitForStatus(id, ['Terminated']);
    expect(status.output).toBe('enough');
    expect((await raise(id, 'go', 1)).status).toBe(410);
    expect((await t.request('POST', `${WEBHOOK}/instances/${id}/terminate?reason=again`)).status).toBe(410);
  });

  it('reports a terminated sub-orchestration to its parent', async () => {
    const id = `parent-of-waiter-${Date.now()}`;
    await t.start('parentOfWaiter', undefined, id);
    await t.waitForStatus(`${id}-child`, ['Running']);
    await t.request('POST', `${WEBHOOK}/instances/${id}-child/terminate?reason=child%20stopped`);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toContain('child ended: child stopped');
  });

  it('abandons pending activities when terminated', async () => {
    const id = await t.start('fanOut', { count: 3000 });
    await t.waitForStatus(id, ['Running']);
    await t.request('POST', `${WEBHOOK}/instances/${id}/terminate?reason=stop`);
    await t.waitForStatus(id, ['Terminated']);
    const detail = await t.request('GET', `${WEBHOOK}/dashboard/instances/${id}`);
    const activities = (detail.body as { activities: { status: string }[] }).activities;
    expect(activities.some((a) => a.status === 'Abandoned')).toBe(true);
    expect(activities.some((a) => a.status === 'Scheduled' || a.status === 'Running')).toBe(false);
    await pause(300);
    const after = await t.request('GET', `${WEBHOOK}/instances/${id}`);
    expect((after.body as Record<string, unknown>).runtimeStatus).toBe('Terminated');
  });

  it('holds events while suspended and continues after resume', async () => {
    const id = await t.start('waitForGo');
    await t.waitForStatus(id, ['Running']);
    expect((await t.request('POST', `${WEBHOOK}/instances/${id}/suspend?reason=hold`)).status).toBe(202);
    await t.waitForStatus(id, ['Suspended']);
    expect((await raise(id, 'go', 'resumed')).status).toBe(202);
    const before = { ...t.engine.metrics };
    await pause(300);
    expect(t.engine.metrics.controlEpisodes - before.controlEpisodes).toBe(0);
    expect(t.engine.metrics.episodes - before.episodes).toBe(0);
    const held = await t.request('GET', `${WEBHOOK}/instances/${id}`);
    expect((held.body as Record<string, unknown>).runtimeStatus).toBe('Suspended');
    expect((await t.request('POST', `${WEBHOOK}/instances/${id}/resume?reason=go`)).status).toBe(202);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe('resumed');
  });

  it('purges a finished instance so it is unknown afterwards', async () => {
    const id = await t.start('chain');
    await t.waitForStatus(id, ['Completed']);
    const purged = await t.request('DELETE', `${WEBHOOK}/instances/${id}`);
    expect(purged.status).toBe(200);
    expect(purged.body).toEqual({ instancesDeleted: 1 });
    expect((await t.request('GET', `${WEBHOOK}/instances/${id}`)).status).toBe(404);
    expect((await t.request('DELETE', `${WEBHOOK}/instances/${id}`)).status).toBe(404);
  });

  it('fails an orchestrator changed between episodes as non-deterministic', async () => {
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nondet-')), 'changed');
    const id = await t.start('fileDependent', { marker });
    await t.waitForStatus(id, ['Running']);
    await pause(200);
    fs.writeFileSync(marker, 'now the code calls another activity');
    await raise(id, 'continue', 'done');
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toContain('Non-deterministic workflow detected');
    expect(status.output).toContain("TaskScheduled 'greet' with sequence id 0");
    expect(status.output).toContain("'double'");
    expect(status.output).toContain("Orchestrator function 'fileDependent' failed");
  });

  it('fails an orchestration that calls an unknown activity', async () => {
    const id = await t.start('unknownActivity');
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toContain("The function 'doesNotExist' doesn't exist");
    expect(status.output).toContain("'greet'");
  });

  it('rejects oversized activity output and truncates long error messages', async () => {
    const id = await t.start('guards', { bytes: 1536 * 1024 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    const output = status.output as { big: string; noisy: string; noInput: string };
    expect(output.big).toContain('the activity output is 1572866 bytes, above the limit of 1048576 bytes');
    expect(Buffer.byteLength(output.noisy.split(' \n ')[0])).toBeLessThanOrEqual(4096);
    expect(output.noisy).toContain('[truncated]');
    expect(output.noInput).toBe('undefined');
  });

  it('refuses to start an id that is running and replaces a finished one', async () => {
    const id = `conflict-${Date.now()}`;
    await t.start('waitForGo', undefined, id);
    const conflict = await t.request('POST', `${WEBHOOK}/orchestrators/waitForGo/${id}`);
    expect(conflict.status).toBe(409);
    expect((conflict.body as { ExceptionMessage: string }).ExceptionMessage).toContain('already exists and is');
    await raise(id, 'go', 'first');
    await t.waitForStatus(id, ['Completed']);
    await t.start('chain', undefined, id);
    const status = await t.waitForStatus(id, ['Completed']);
    expect(status.name).toBe('chain');
  });
});
