/**
 * The host's guards on what activities return, on a tiny app. An error of 100 KB is stored cut to 4 KB. An output
 * above `maxActivityOutputBytes` (1 MB by default) fails the activity instead of entering the history.
 */
import path from 'node:path';
import { openTaskHub, requestJson, waitFor } from './support/batch-api';
import { FaultStack, startFaultStack } from './support/fault-stack';

const APP_DIR = path.resolve(__dirname, '../fixtures/faults/guarded-activities');
const WEBHOOK = '/runtime/webhooks/durabletask';
const LIMIT_BYTES = 4096;

describe('activity guards', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack('guards', { appDir: APP_DIR, blobEvents: false });
  });

  afterAll(() => stack?.stop());

  const run = async (orchestrator: string, input?: unknown) => {
    const started = await requestJson(
      stack.host.url,
      'POST',
      `${WEBHOOK}/orchestrators/${orchestrator}`,
      JSON.stringify(input ?? null),
    );
    expect(started.status).toBe(202);
    const id = String(started.body.id);
    const ended = await waitFor<Record<string, unknown>>(async () => {
      const status = await requestJson(stack.host.url, 'GET', `${WEBHOOK}/instances/${id}?showHistory=true`);
      return ['Completed', 'Failed'].includes(String(status.body.runtimeStatus)) ? status.body : undefined;
    }, `${orchestrator} to end`);
    return Object.assign(ended, { id });
  };

  /** Largest stored texts of the instance in UTF-8 bytes: activity failure reason and history event. */
  const storedSizes = (id: string) => {
    const db = openTaskHub(stack.dataDir, 'guards');
    try {
      const reasons = db.prepare('SELECT failure_reason AS text FROM activities WHERE instance_id = ?').all(id);
      const events = db.prepare('SELECT event AS text FROM history WHERE instance_id = ?').all(id);
      const size = (rows: unknown[]) =>
        Math.max(0, ...(rows as { text: string | null }[]).map((row) => Buffer.byteLength(row.text ?? '')));
      return { failureReason: size(reasons), historyEvent: size(events) };
    } finally {
      db.close();
    }
  };

  it('stores a 100 KB activity error cut to 4 KB', async () => {
    const status = await run('callThrowLargeError');

    const failedEvent = (status.historyEvents as { EventType: string; Reason: string; Details: string }[]).find(
      (event) => event.EventType === 'TaskFailed',
    );
    const details = JSON.parse(failedEvent?.Details ?? '{}') as { Message?: string; StackTrace?: string };
    const sizes = {
      activityFailureReason: storedSizes(status.id).failureReason,
      historyReason: Buffer.byteLength(failedEvent?.Reason ?? ''),
      historyMessage: Buffer.byteLength(details.Message ?? ''),
      historyStackTrace: Buffer.byteLength(details.StackTrace ?? ''),
      orchestrationOutput: Buffer.byteLength(String(status.output)),
    };
    process.stdout.write(`100 KB activity error stored as (bytes): ${JSON.stringify(sizes)}\n`);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('bad input: eee');
    expect(sizes.activityFailureReason).toBeGreaterThan(0);
    expect(sizes.activityFailureReason).toBeLessThanOrEqual(LIMIT_BYTES);
    expect(sizes.historyReason).toBeLessThanOrEqual(LIMIT_BYTES);
    expect(sizes.historyMessage).toBeLessThanOrEqual(LIMIT_BYTES);
    expect(sizes.historyStackTrace).toBeLessThanOrEqual(LIMIT_BYTES);
  });

  it('stores the orchestration failure cut to 4 KB', async () => {
    const status = await run('callThrowLargeError');

    expect(status.runtimeStatus).toBe('Failed');
    expect(Buffer.byteLength(String(status.output))).toBeLessThanOrEqual(LIMIT_BYTES);
  });

  it('rejects an activity output over the limit', async () => {
    const status = await run('callReturnBytes', { bytes: 2 * 1024 * 1024 });

    const sizes = storedSizes(status.id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('above the limit of 1048576 bytes');
    expect(sizes.historyEvent).toBeLessThan(16 * 1024);
  });

  it('passes an output under the limit', async () => {
    const status = await run('callReturnBytes', { bytes: 512 * 1024 });

    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(512 * 1024);
  });
});
