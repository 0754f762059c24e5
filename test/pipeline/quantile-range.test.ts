import { mapStream } from '../../functions/src/pipeline/map-stream';
import { summarize } from '../../functions/src/pipeline/summarize';
import { chunkedStream } from './helpers';

async function summaryOf(csv: string) {
  const result = await mapStream(chunkedStream(csv), {
    fileName: 'range.csv',
    format: 'csv',
    groupBy: ['origin'],
    metrics: ['delay'],
  });
  if (!result.ok) throw new Error(result.error.message);
  return summarize(result.partial, { metrics: ['delay'], quantiles: [0.01, 0.5, 0.99] }).groups;
}

describe('summary quantiles', () => {
  it('equal the value of a single-row group', async () => {
    const [group] = await summaryOf('origin,delay\nACY,98\n');
    expect(group.metrics.delay.p1).toBe(98);
    expect(group.metrics.delay.p50).toBe(98);
    expect(group.metrics.delay.p99).toBe(98);
  });

  it('stay within the exact min and max', async () => {
    const rows = ['origin,delay', ...[-7, -3, 0, 13, 98, 411].map((delay) => `HDN,${delay}`)].join('\n');
    const [group] = await summaryOf(rows);
    for (const field of ['p1', 'p50', 'p99']) {
      expect(group.metrics.delay[field]).toBeGreaterThanOrEqual(-7);
      expect(group.metrics.delay[field]).toBeLessThanOrEqual(411);
    }
  });
});

describe('summary quantile rank', () => {
  async function quantilesOf(values: readonly number[]) {
    const rows = ['origin,delay', ...values.map((value) => `ORD,${value}`)].join('\n');
    const [group] = await summaryOf(rows);
    return group.metrics.delay;
  }

  it('reports the lower value of two', async () => {
    const delay = await quantilesOf([2, 1]);
    expect(delay.p1).toBe(1);
    expect(delay.p50).toBe(1);
    expect(delay.p99).toBe(1);
  });

  it('reports the negative value below a positive one', async () => {
    const delay = await quantilesOf([10, -4]);
    expect(delay.p50).toBe(-4);
    expect(delay.p99).toBe(-4);
  });

  it('reports rank floor(q * (n - 1))', async () => {
    // Values 1 to 101: rank 0.99 * 100 = 99 is the value 100, and rank 0.5 * 100 = 50 is the value 51.
    const delay = await quantilesOf(Array.from({ length: 101 }, (_, i) => 101 - i));
    expect(Math.abs((delay.p99 as number) - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs((delay.p50 as number) - 51)).toBeLessThanOrEqual(0.51);
    expect(delay.p1 as number).toBeLessThanOrEqual(2 * 1.01);
    expect(delay.p1 as number).toBeGreaterThanOrEqual(2 * 0.99);
  });
});
