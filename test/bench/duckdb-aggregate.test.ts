import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { smallCsv } from '../../scripts/src/bench/csv-batch';
import { aggregateSql, runDuckDb } from '../../scripts/src/bench/duckdb-aggregate';

describe('DuckDB reference', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-duckdb-'));
    for (let index = 0; index < 3; index++) fs.writeFileSync(path.join(dir, `part-${index}.csv`), smallCsv(index, 30));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('aggregates every row of every file', async () => {
    const result = await runDuckDb({ dir, groupBy: 'sensor', metrics: ['reading'], quantiles: [0.5] });
    expect(result.rows).toBe(90);
    expect(result.groups).toBe(20);
  });

  it('quotes identifiers and the path', () => {
    const sql = aggregateSql({ dir: "/tmp/o'brien", groupBy: 'a"b', metrics: ['x'], quantiles: [0.5, 0.99] });
    expect(sql).toContain(`read_csv('/tmp/o''brien/*.csv', header = true)`);
    expect(sql).toContain('GROUP BY "a""b"');
    expect(sql).toContain('approx_quantile("x", [0.5, 0.99])');
  });
});
