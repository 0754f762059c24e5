import { formatBytes, formatTopGroups, rankGroups } from '../../scripts/src/report';
import { BatchSummary, GroupSummary } from '../../scripts/src/summary';

function group(origin: string, count: number, mean: number | null): GroupSummary {
  const metric = { count, sum: (mean ?? 0) * count, min: 0, max: 0, mean, p50: 1, p95: 2.5, p99: 3 };
  return { key: { origin }, count, metrics: { delay: metric } };
}

function summary(groups: GroupSummary[]): BatchSummary {
  return {
    batchId: 'b',
    instanceId: 'batch-b',
    status: 'completed',
    input: { blobs: 1, bytes: 10, rows: 3, rejectedRows: 0 },
    failedBlobs: [],
    groups,
  };
}

describe('rankGroups', () => {
  it('orders by mean, highest first', () => {
    const ranked = rankGroups(summary([group('A', 1, 1), group('B', 1, 5), group('C', 1, 3)]), 'delay');
    expect(ranked.map((g) => g.key.origin)).toEqual(['B', 'C', 'A']);
  });

  it('breaks ties by key', () => {
    const ranked = rankGroups(summary([group('Z', 1, 2), group('M', 1, 2)]), 'delay');
    expect(ranked.map((g) => g.key.origin)).toEqual(['M', 'Z']);
  });

  it('leaves out groups without a mean', () => {
    const ranked = rankGroups(summary([group('A', 0, null), group('B', 1, 1)]), 'delay');
    expect(ranked.map((g) => g.key.origin)).toEqual(['B']);
  });
});

describe('formatTopGroups', () => {
  it('prints a header and the top rows', () => {
    const text = formatTopGroups(summary([group('ORD', 12345, 9.5), group('ATL', 7, 2)]), { metric: 'delay', top: 1 });
    const lines = text.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0].split(/\s+/)).toEqual(['key', 'count', 'mean', 'p50', 'p95', 'p99']);
    expect(lines[1].split(/\s+/)).toEqual(['ORD', '12,345', '9.50', '1.00', '2.50', '3.00']);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [96790793, '92.3 MiB'],
  ])('formats %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
