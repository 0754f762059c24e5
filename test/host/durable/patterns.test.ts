import { startDurableTestHost, WEBHOOK, type DurableTestHost } from './support/durable-test-host';

interface HistoryEntry {
  EventType: string;
  FunctionName?: string;
  [key: string]: unknown;
}

describe('orchestration patterns on the local host', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-patterns');
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('chains three activities in order', async () => {
    const id = await t.start('chain');
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);

    const history = await t.request('GET', `${WEBHOOK}/instances/${id}?showHistory=true&showHistoryOutput=true`);
    const events = (history.body as { historyEvents: HistoryEntry[] }).historyEvents;
    expect(events.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(events[1]).toMatchObject({ FunctionName: 'greet', Result: 'Hello, Tokyo!', Input: '"Tokyo"' });
    expect(events[4]).toMatchObject({ OrchestrationStatus: 'Completed', Result: status.output });
  });

  it('fans out 1,000 activities and sums the results', async () => {
    const id = await t.start('fanOut', { count: 1000 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 60000);
    expect(status.output).toEqual({ count: 1000, sum: 999 * 1000 });
  });

  const historyOf = async (id: string): Promise<HistoryEntry[]> => {
    const response = await t.request('GET', `${WEBHOOK}/instances/${id}?showHistory=true&showHistoryOutput=true`);
    return (response.body as { historyEvents: HistoryEntry[] }).historyEvents;
  };
  const typesOf = (events: HistoryEntry[]): string[] => events.map((e) => e.EventType);

  it('retries an activity until its third attempt succeeds', async () => {
    const id = await t.start('retryThird', { key: `third-${Date.now()}`, failTimes: 2, attempts: 3 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe(3);

    const types = typesOf(await historyOf(id));
    expect(types.filter((type) => type === 'TaskFailed')).toHaveLength(2);
    expect(types.filter((type) => type === 'TimerFired')).toHaveLength(2);
    expect(types.filter((type) => type === 'TaskCompleted')).toHaveLength(1);
  });

  it('fails the orchestration when retries are exhausted', async () => {
    const id = await t.start('retryExhausted');
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toContain("Orchestrator function 'retryExhausted' failed:");
    expect(status.output).toContain("Activity function 'alwaysFails' failed: nope");

    const types = typesOf(await historyOf(id));
    expect(types.filter((type) => type === 'TaskFailed')).toHaveLength(3);
    expect(types.filter((type) => type === 'TimerCreated')).toHaveLength(3);
  });

  it('lets an activity win a race against a timer', async () => {
    const id = await t.start('raceTimer', { activityMs: 10, timerMs: 1500 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toEqual({ winner: 'activity', result: 'slept 10' });
  });

  it('lets a timer win a race against a slow activity', async () => {
    const id = await t.start('raceTimer', { activityMs: 1500, timerMs: 100 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toEqual({ winner: 'timer' });
  });

  it('splits a long timer into short ones', async () => {
    const id = await t.start('longTimer', { ms: 3500 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBeGreaterThanOrEqual(3500);

    const events = await historyOf(id);
    const fired = events.filter((e) => e.EventType === 'TimerFired');
    expect(fired).toHaveLength(3);
    const created = events.filter((e) => e.EventType === 'TimerCreated');
    expect(created).toHaveLength(3);
    const started = Date.parse(created[0].Timestamp as string);
    const fireTimes = created.map((e) => Date.parse(e.FireAt as string) - started);
    expect(fireTimes[2]).toBe(3500);
    expect(fireTimes[0]).toBeGreaterThanOrEqual(1000);
    expect(fireTimes[0]).toBeLessThan(1500);
  });

  it('runs sub-orchestrations that succeed, fail and are retried', async () => {
    const id = await t.start('parent', { key: `child-${Date.now()}` }, `parent-${Date.now()}`);
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as Record<string, unknown>;
    expect(output.ok).toEqual({ value: 42, parent: id });
    expect(output.generated).toEqual({ value: 2, parent: id });
    expect(output.failure).toContain("Orchestrator function 'child' failed: child failed on 3");
    expect(output.retried).toBe(2);

    const child = await t.request('GET', `${WEBHOOK}/instances/${id}-ok`);
    expect(child.status).toBe(200);
    expect((child.body as Record<string, unknown>).output).toEqual({ value: 42, parent: id });
    const types = typesOf(await historyOf(id));
    expect(types.filter((type) => type === 'SubOrchestrationInstanceCompleted')).toHaveLength(3);
    expect(types.filter((type) => type === 'SubOrchestrationInstanceFailed')).toHaveLength(2);
  });

  it('continues as new and carries events raised in between', async () => {
    const id = await t.start('eventCounter', { total: 0, remaining: 3 });
    for (const value of [1, 10, 100]) {
      const raised = await t.request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/add`, value);
      expect(raised.status).toBe(202);
    }
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.output).toBe(111);
    expect(status.input).toEqual({ total: 11, remaining: 1 });
  });

  it('publishes custom status while running and at the end', async () => {
    const id = await t.start('progress', { steps: 5 });
    const running = await t.waitForStatus(id, ['Running']);
    expect(running.customStatus).toMatchObject({ total: 5 });
    const status = await t.waitForStatus(id, ['Completed', 'Failed']);
    expect(status.customStatus).toEqual({ done: 5, total: 5, phase: 'finished' });
  });
});
