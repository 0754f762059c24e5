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
