import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseMarkdown } from '../../scripts/src/bench/report';
import type { CaseResult } from '../../scripts/src/bench/results';
import { runBench } from '../../scripts/src/bench/run-bench';
import type { BenchSizes } from '../../scripts/src/bench/sizes';

const TINY: BenchSizes = {
  runs: 1,
  wait: { activities: 3, waitMs: 200 },
  mapReduce: [{ files: 4, rowsPerFile: 10 }],
  replay: { small: 10, large: 40 },
  throughput: { instances: 2, activities: 20 },
  flightDays: 1,
};

interface MapReduceRound {
  pipeline: { rows: number };
  plain: { rows: number; files: number };
}

describe('npm run bench, tiny workloads', () => {
  let dataDir: string;
  let results: CaseResult[];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
    results = await runBench({
      sizes: TINY,
      cases: ['wait', 'replay', 'throughput', 'map-reduce'],
      dataDir,
      appDir: path.resolve(__dirname, '../../functions'),
      fixtureAppDir: path.resolve(__dirname, '../fixtures/apps/bench-fanout'),
      progress: () => undefined,
    });
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns cases in numbered order', () => {
    expect(results.map((result) => result.id)).toEqual(['wait-fan-out', 'map-reduce-4', 'replay-growth', 'throughput']);
  });

  it('never finishes waiting activities before the wait', () => {
    expect(results[0].headline.spread.median).toBeGreaterThanOrEqual(1);
  });

  it('measures positive finite figures', () => {
    for (const result of results) {
      for (const measurement of [result.headline, ...result.measurements]) {
        expect(Number.isFinite(measurement.spread.median)).toBe(true);
        expect(measurement.spread.min).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('counts replayed events', () => {
    const perActivity = results[2].measurements.find((m) => m.label.startsWith('replayed events per activity at 40'));
    expect(perActivity?.spread.median).toBeGreaterThan(1);
  });

  it('maps every row in the pipeline and the plain script', () => {
    const [round] = results[1].details as MapReduceRound[];
    expect(round.pipeline.rows).toBe(40);
    expect(round.plain.rows).toBe(40);
    expect(round.plain.files).toBe(4);
  });

  it('renders each case as a Markdown table with its goal', () => {
    const markdown = caseMarkdown(results[0]);
    expect(markdown).toContain('| quantity | median | min | max |');
    expect(markdown).toContain('Goal: wall time / wait at most 1.05');
  });

  it('keeps only inputs and logs', () => {
    expect(fs.readdirSync(path.join(dataDir, 'bench')).sort()).toEqual(['csv', 'logs']);
  });
});
