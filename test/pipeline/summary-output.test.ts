import { parse } from 'csv-parse/sync';

import {
  failedJsonl,
  formatForFile,
  mapStream,
  mergeAll,
  parseManifest,
  quantileField,
  summarize,
  summaryCsv,
  summaryJson,
  truncateMessage,
  validateBatchId,
  InvalidInputError,
} from '../../functions/src/pipeline';
import type { BatchSummary, PartialAggregate } from '../../functions/src/pipeline';
import { chunkedStream } from './helpers';

async function partialOf(csv: string, fileName = 'data.csv'): Promise<PartialAggregate> {
  const result = await mapStream(chunkedStream(csv), {
    fileName,
    format: 'csv',
    groupBy: ['carrier'],
    metrics: ['delay'],
  });
  if (!result.ok) {
    throw new Error(result.error.message);
  }
  return result.partial;
}

const manifest = parseManifest('{"groupBy":["carrier"],"metrics":["delay"],"quantiles":[0.5,0.999]}');

describe('summarize', () => {
  test('reports exact fields, mean and named quantiles', async () => {
    const partial = await partialOf('carrier,delay\nAA,1\nAA,2\nAA,6\n');
    const { groups, input } = summarize(partial, manifest);

    expect(input).toEqual({ blobs: 1, bytes: 29, rows: 3, rejectedRows: 0, rejectedSamples: [] });
    expect(groups).toHaveLength(1);
    const delay = groups[0].metrics.delay;
    expect(delay).toMatchObject({ count: 3, sum: 9, min: 1, max: 6, mean: 3 });
    expect(Object.keys(delay)).toEqual(['count', 'sum', 'min', 'max', 'mean', 'p50', 'p99_9']);
    expect(Math.abs((delay.p50 as number) - 2)).toBeLessThanOrEqual(0.02);
  });

  test('sorts numeric keys numerically before text', async () => {
    const partial = await partialOf('carrier,delay\nb,1\n10,1\n9,1\na,1\n-1,1\n');
    expect(summarize(partial, manifest).groups.map((group) => group.key.carrier)).toEqual(['-1', '9', '10', 'a', 'b']);
  });

  test('groups by nothing gives one group', async () => {
    const result = await mapStream(chunkedStream('a,b\n1,2\n3,4\n'), {
      fileName: 'x.csv',
      format: 'csv',
      groupBy: [],
      metrics: ['b'],
    });
    expect(result.ok).toBe(true);
    const partial = result.ok ? result.partial : mergeAll([]);
    expect(summarize(partial, { metrics: ['b'], quantiles: [] }).groups).toEqual([
      { key: {}, count: 2, metrics: { b: { count: 2, sum: 6, min: 2, max: 4, mean: 3 } } },
    ]);
  });
});

describe('mergeAll', () => {
  test('of nothing is the empty partial', () => {
    expect(mergeAll([])).toEqual({ files: 0, bytes: 0, rows: 0, rejectedRows: 0, rejectedSamples: [], groups: [] });
  });

  test('keeps the 10 smallest rejected samples in any order', async () => {
    // One good row after the bad ones keeps each file usable: a file whose rows are all rejected fails.
    const bad = (n: number) => `carrier,delay\n${Array.from({ length: n }, () => 'AA,x').join('\n')}\nAA,1\n`;
    const partials = [
      await partialOf(bad(12), 'b.csv'),
      await partialOf(bad(3), 'a.csv'),
      await partialOf(bad(8), 'c.csv'),
    ];

    const forward = mergeAll(partials);
    const backward = mergeAll([...partials].reverse());
    expect(forward.rejectedRows).toBe(23);
    expect(forward.rejectedSamples).toEqual(backward.rejectedSamples);
    expect(forward.rejectedSamples.map((sample) => `${sample.file}:${sample.line}`)).toEqual([
      'a.csv:2',
      'a.csv:3',
      'a.csv:4',
      'b.csv:2',
      'b.csv:3',
      'b.csv:4',
      'b.csv:5',
      'b.csv:6',
      'b.csv:7',
      'b.csv:8',
    ]);
  });

  test('rejects a partial without sumExpansion', async () => {
    const partial = await partialOf('carrier,delay\nAA,1\n');
    const { sumExpansion: _dropped, ...metric } = partial.groups[0].metrics.delay;
    const broken = {
      ...partial,
      groups: [{ ...partial.groups[0], metrics: { delay: metric } }],
    } as unknown as PartialAggregate;
    expect(() => mergeAll([partial, broken])).toThrow(/Invalid partial: metric "delay" needs/);
  });

  test('rejects partials grouped by different columns', async () => {
    const byOrigin = await mapStream(chunkedStream('origin,delay\nSFO,1\n'), {
      fileName: 'o.csv',
      format: 'csv',
      groupBy: ['origin'],
      metrics: ['delay'],
    });
    const byCarrier = await partialOf('carrier,delay\nAA,1\n');
    expect(() => mergeAll([byCarrier, byOrigin.ok ? byOrigin.partial : byCarrier])).toThrow(
      /grouped by different columns: \["carrier"\] and \["origin"\]/,
    );
  });
});

describe('writers', () => {
  test('summary CSV quotes keys and leaves nulls empty', async () => {
    const partial = await partialOf('carrier,delay\n"Delta, ""the"" airline",4\n"multi\nline",2\n');
    const csv = summaryCsv(summarize(partial, manifest).groups, manifest);
    const lines = csv.split('\n');

    expect(lines[0]).toBe('carrier,count,delay.count,delay.sum,delay.min,delay.max,delay.mean,delay.p50,delay.p99_9');
    expect(csv).toContain('"Delta, ""the"" airline",1,1,4,4,4,4,');
    expect(csv).toContain('"multi\nline",1,1,2,2,2,2,');
    expect(summaryCsv([{ key: { carrier: 'AA' }, count: 0, metrics: {} }], manifest)).toBe(
      `${lines[0]}\nAA,0,,,,,,,\n`,
    );
  });

  test('summary CSV neutralizes formula keys', async () => {
    const keys = ['=1+2', '+cmd', '-x', '@SUM(A1)', '\tTAB', '\rCR', "'quoted", '-5', '+1.5e3', '-', 'A=1', ' =1'];
    const csvText = `carrier,delay\n${keys.map((key) => `"${key}",1`).join('\n')}\n`;
    const partial = await partialOf(csvText);
    const { groups } = summarize(partial, manifest);
    const cells = parse(summaryCsv(groups, manifest)).map((row: string[]) => row[0]);

    expect(cells[0]).toBe('carrier');
    expect(Object.fromEntries(groups.map((group, index) => [group.key.carrier, cells[index + 1]]))).toEqual({
      '=1+2': "'=1+2",
      '+cmd': "'+cmd",
      '-x': "'-x",
      '@SUM(A1)': "'@SUM(A1)",
      '\tTAB': "'\tTAB",
      '\rCR': "'\rCR",
      "'quoted": "''quoted",
      '-5': '-5',
      '+1.5e3': '+1.5e3',
      '-': "'-",
      'A=1': 'A=1',
      ' =1': ' =1',
    });
    expect(groups.map((group) => group.key.carrier).sort()).toEqual([...keys].sort());
  });

  test('summary CSV neutralizes formula names', () => {
    const named = parseManifest('{"groupBy":["=g"],"metrics":["@m"],"quantiles":[0.5]}');
    const header = summaryCsv([], named).trimEnd();
    expect(header).toBe("'=g,count,'@m.count,'@m.sum,'@m.min,'@m.max,'@m.mean,'@m.p50");
  });

  test('summary JSON is indented and ends with a newline', () => {
    const summary: BatchSummary = {
      batchId: 'b1',
      instanceId: 'batch-b1',
      status: 'completed',
      input: { blobs: 0, bytes: 0, rows: 0, rejectedRows: 0, rejectedSamples: [] },
      failedBlobs: 0,
      groups: [],
      timing: { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5 },
    };
    const text = summaryJson(summary);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(summary);
  });

  test('failed.jsonl has one capped object per line', () => {
    const text = failedJsonl([
      { blob: 'a.csv', kind: 'binary', message: 'NUL byte' },
      { blob: 'b.csv', kind: 'parse', message: 'é'.repeat(5000) },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toEqual({ blob: 'a.csv', kind: 'binary', message: 'NUL byte' });
    const second = JSON.parse(lines[1]) as { message: string };
    expect(Buffer.byteLength(second.message)).toBeLessThanOrEqual(4096);
    expect(second.message).toMatch(/^é+ \.\.\. \(truncated, 10000 bytes in total\)$/);
  });

  test('truncation never splits a character', () => {
    const message = `${'a'.repeat(4000)}${'🚀'.repeat(100)}`;
    const truncated = truncateMessage(message);
    expect(Buffer.byteLength(truncated)).toBeLessThanOrEqual(4096);
    expect(truncated).not.toContain('\uFFFD');
    expect(truncateMessage('short')).toBe('short');
  });
});

describe('names and formats', () => {
  test.each([
    [0.5, 'p50'],
    [0.95, 'p95'],
    [0.99, 'p99'],
    [0.999, 'p99_9'],
    [0.001, 'p0_1'],
    [0.25, 'p25'],
  ])('quantile %d is %s', (quantile, field) => {
    expect(quantileField(quantile)).toBe(field);
  });

  test.each([
    ['data.csv', 'csv'],
    ['DATA.CSV', 'csv'],
    ['part.ndjson', 'ndjson'],
    ['part.jsonl', 'ndjson'],
    ['part.json', undefined],
    ['README', undefined],
  ])('format of %s is %s', (name, format) => {
    expect(formatForFile(name, {})).toBe(format);
  });

  test('manifest format overrides the extension', () => {
    expect(formatForFile('data.txt', { format: 'csv' })).toBe('csv');
  });

  test.each(['batch-1', 'a', 'x'.repeat(63), '2026-01-01'])('batch id %s is valid', (id) => {
    expect(validateBatchId(id)).toBe(id);
  });

  test.each(['', 'x'.repeat(64), 'Batch', 'a_b', 'a/b', '../a', 42, null])('batch id %p is invalid', (id) => {
    expect(() => validateBatchId(id)).toThrow(InvalidInputError);
    try {
      validateBatchId(id);
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('batchId');
      expect((error as InvalidInputError).value).toBe(id);
      expect((error as Error).message).toContain(JSON.stringify(id));
      expect((error as Error).message).toContain('1 to 63 characters');
    }
  });
});
