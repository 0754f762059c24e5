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
});
