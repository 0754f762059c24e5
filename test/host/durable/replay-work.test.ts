import { startDurableTestHost, WEBHOOK, type DurableTestHost } from './support/durable-test-host';

/**
 * Completions that arrive while an episode runs are delivered together, so the history events replayed
 * for a fan-out of N activities grow linearly with N. Replaying once per completion would cost about N²
 * events: 4,000 activities would need about 8,000 replayed events per activity instead of a few dozen.
 */
describe('replay work of a fan-out', () => {
  let t: DurableTestHost;

  beforeAll(async () => {
    t = await startDurableTestHost('durable-patterns');
  });

  afterAll(async () => {
    await t?.stop();
  });

  async function replayedPerActivity(count: number): Promise<{ perActivity: number; episodes: number; ms: number }> {
    const before = { ...t.engine.metrics };
    const started = Date.now();
    const id = await t.start('fanOut', { count });
    const status = await t.waitForStatus(id, ['Completed', 'Failed'], 120000);
    expect(status.output).toEqual({ count, sum: count * (count - 1) });
    const replayed = t.engine.metrics.replayedEvents - before.replayedEvents;
    const episodes = t.engine.metrics.episodes - before.episodes;
    return { perActivity: replayed / count, episodes, ms: Date.now() - started };
  }

  it('stays linear from 250 to 4,000 activities', async () => {
    const small = await replayedPerActivity(250);
    const large = await replayedPerActivity(4000);
    process.stdout.write(
      `replayed events per activity: 250 -> ${small.perActivity.toFixed(1)} (${small.episodes} episodes, ${small.ms} ms), ` +
        `4000 -> ${large.perActivity.toFixed(1)} (${large.episodes} episodes, ${large.ms} ms)\n`,
    );
    expect(small.perActivity).toBeLessThan(60);
    expect(large.perActivity).toBeLessThan(60);
    expect(large.perActivity / small.perActivity).toBeLessThan(4);
  });

  it('serves the counters on the metrics route', async () => {
    const response = await t.request('GET', `${WEBHOOK}/metrics`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ replayedEvents: t.engine.metrics.replayedEvents });
  });
});
