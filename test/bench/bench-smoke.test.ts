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
      workers: [1, 2],
      dataDir,
      appDir: path.resolve(__dirname, '../../functions'),
      fixtureAppDir: path.resolve(__dirname, '../fixtures/apps/bench-fanout'),
      progress: () => undefined,
    });
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const byId = (id: string) => results.find((result) => result.id === id) as CaseResult;

  it('returns cases in numbered order', () => {
    expect(results.map((result) => result.id)).toEqual([
      'wait-fan-out',
      'map-reduce-4-workers-1',
      'map-reduce-4-workers-2',
      'replay-growth',
      'throughput',
    ]);
  });

  it('runs map-reduce once per worker count', () => {
    expect(byId('map-reduce-4-workers-1').workers).toBe(1);
    expect(byId('map-reduce-4-workers-2').workers).toBe(2);
    expect(byId('map-reduce-4-workers-1').title).toMatch(/, with 1 app worker thread$/);
    expect(byId('map-reduce-4-workers-2').title).toMatch(/, with 2 app worker threads$/);
    expect(byId('map-reduce-4-workers-2').setup).toContain('on a host with 2 app worker threads (--workers 2)');
  });

  it('starts the map-reduce host with the worker count', () => {
    const log = fs.readFileSync(path.join(dataDir, 'bench', 'logs', 'functions-host-4-workers-2.log'), 'utf8');
    const started = log.split('\n').find((line) => line.includes('"msg":"host started"'));
    expect(started).toMatch(/"workers":2\b/);
  });

  it('runs the fixture cases with 1 worker thread', () => {
    for (const id of ['wait-fan-out', 'replay-growth', 'throughput']) {
      expect(byId(id).workers).toBe(1);
      expect(byId(id).setup).toContain('1 app worker thread');
    }
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
    const perActivity = byId('replay-growth').measurements.find((m) =>
      m.label.startsWith('replayed events per activity at 40'),
    );
    expect(perActivity?.spread.median).toBeGreaterThan(1);
  });

  it('maps every row in the pipeline and the plain script', () => {
    for (const workers of [1, 2]) {
      const [round] = byId(`map-reduce-4-workers-${workers}`).details as MapReduceRound[];
      expect(round.pipeline.rows).toBe(40);
      expect(round.plain.rows).toBe(40);
      expect(round.plain.files).toBe(4);
    }
  });

  it('renders each case as a Markdown table with its goal', () => {
    const markdown = caseMarkdown(byId('wait-fan-out'));
    expect(markdown).toContain('| quantity | median | min | max |');
    expect(markdown).toContain('Goal: wall time / wait at most 1.05');
  });

  it('keeps only inputs and logs', () => {
    expect(fs.readdirSync(path.join(dataDir, 'bench')).sort()).toEqual(['csv', 'logs']);
  });
});
