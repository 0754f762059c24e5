import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_APPS, WEBHOOK } from './support/durable-test-host';
import { startHostProcess, type HostProcess } from './support/host-process';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Kills the host with SIGKILL at random moments of a fan-out and restarts it on the same data folder. */
describe('host killed during a fan-out', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-crash-'));
  const appDir = path.join(FIXTURE_APPS, 'durable-patterns');
  let host: HostProcess | undefined;

  afterAll(async () => {
    if (host && host.child.exitCode === null) {
      host.child.kill('SIGKILL');
      await host.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes with the correct output after five kills', async () => {
    host = await startHostProcess(appDir, dataDir);
    const started = await json(`${host.url}${WEBHOOK}/orchestrators/fanOutSlow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 200, delayMs: 150 }),
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;

    const progress: number[] = [];
    for (let kill = 0; kill < 5; kill++) {
      await pause(100 + Math.floor(Math.random() * 300));
      host.child.kill('SIGKILL');
      await host.exited;
      host = await startHostProcess(appDir, dataDir);
      const detail = await json(`${host.url}${WEBHOOK}/dashboard/instances/${id}`);
      const activities = detail.body.activities as { status: string }[];
      progress.push(activities.filter((a) => a.status === 'Completed').length);
    }

    let status: Record<string, unknown> = {};
    for (let i = 0; i < 600 && !['Completed', 'Failed'].includes(status.runtimeStatus as string); i++) {
      status = (await json(`${host.url}${WEBHOOK}/instances/${id}`)).body;
      await pause(50);
    }
    process.stdout.write(`completed activities seen after each restart: ${progress.join(', ')}\n`);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ count: 200, sum: 200 * 199 });
    expect(progress[progress.length - 1]).toBeLessThan(200);
  });
});
