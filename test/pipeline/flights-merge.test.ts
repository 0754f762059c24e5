import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
  mapStream,
  mergeAll,
  mergePartials,
  parseManifest,
  quantileField,
  summarize,
} from '../../functions/src/pipeline';
import type { GroupSummary, Manifest, PartialAggregate } from '../../functions/src/pipeline';
import { chunkedStream, roundScaled, scaledExact, seededRandom, shuffled } from './helpers';

const run = promisify(execFile);

const METRICS = ['delay', 'distance', 'time'] as const;
type Metric = (typeof METRICS)[number];
const QUANTILES = [0.01, 0.25, 0.5, 0.95, 0.99, 0.999];

/** Flights as columns: a group key and the three metrics per row. */
interface Dataset {
  groupBy: string;
  keys: string[];
  columns: Record<Metric, Float64Array>;
}

/** Loads the 200k flights JSON, grouped by hour of departure. */
function loadFlights200k(): Dataset {
  const path = join(__dirname, '../../node_modules/vega-datasets/data/flights-200k.json');
  const flights = JSON.parse(readFileSync(path, 'utf8')) as Record<Metric, number>[];
  return {
    groupBy: 'hour',
    keys: flights.map((flight) => String(Math.floor(flight.time))),
    columns: {
      delay: Float64Array.from(flights, (flight) => flight.delay),
      distance: Float64Array.from(flights, (flight) => flight.distance),
      time: Float64Array.from(flights, (flight) => flight.time),
    },
  };
}

/** Loads the 3M flights parquet (ZSTD) grouped by origin, converted in a child process because hyparquet is ESM-only. */
async function loadFlights3m(directory: string): Promise<Dataset> {
  const csvPath = join(directory, 'flights-3m.csv');
  const parquet = join(__dirname, '../../node_modules/vega-datasets/data/flights-3m.parquet');
  await run(process.execPath, [join(__dirname, '../fixtures/pipeline/parquet-to-csv.mjs'), parquet, csvPath]);

  const lines = readFileSync(csvPath, 'utf8').trimEnd().split('\n').slice(1);
  const dataset: Dataset = {
    groupBy: 'origin',
    keys: new Array<string>(lines.length),
    columns: {
      delay: new Float64Array(lines.length),
      distance: new Float64Array(lines.length),
      time: new Float64Array(lines.length),
    },
  };
  lines.forEach((line, i) => {
    const [origin, delay, distance, time] = line.split(',');
    dataset.keys[i] = origin;
    dataset.columns.delay[i] = Number(delay);
    dataset.columns.distance[i] = Number(distance);
    dataset.columns.time[i] = Number(time);
  });
  return dataset;
}

/** Splits the rows into CSV parts at seeded random offsets, so the parts differ in size. */
function splitToCsv(data: Dataset, parts: number, random: () => number): string[] {
  const rows = data.keys.length;
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) {
    cuts.add(1 + Math.floor(random() * (rows - 1)));
  }
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), rows];
  const { delay, distance, time } = data.columns;

  return bounds.slice(1).map((end, part) => {
    const lines: string[] = [];
    for (let i = bounds[part]; i < end; i += 1) {
      lines.push(`${data.keys[i]},${delay[i]},${distance[i]},${time[i]}`);
    }
    return `${data.groupBy},delay,distance,time\r\n${lines.join('\r\n')}\r\n`;
  });
}

async function mapParts(csvs: string[], manifest: Manifest): Promise<PartialAggregate[]> {
  const partials: PartialAggregate[] = [];
  for (const [i, csv] of csvs.entries()) {
    const result = await mapStream(chunkedStream(csv, 65_536), {
      fileName: `part-${String(i).padStart(3, '0')}.csv`,
      format: 'csv',
      groupBy: manifest.groupBy,
      metrics: manifest.metrics,
    });
    if (!result.ok) {
      throw new Error(`part ${i} failed: ${result.error.message}`);
    }
    // Partials travel through blob storage as JSON between the map and reduce steps.
    partials.push(JSON.parse(JSON.stringify(result.partial)) as PartialAggregate);
  }
  return partials;
}

type Merge = (partials: PartialAggregate[], random: () => number) => PartialAggregate;

const treeShapes: Record<string, Merge> = {
  'left fold': (partials) => partials.reduce((acc, p) => mergePartials(acc, p)),
  'right fold': (partials) => partials.reduceRight((acc, p) => mergePartials(p, acc)),
  balanced: function balanced(partials): PartialAggregate {
    if (partials.length === 1) {
      return partials[0];
    }
    const middle = Math.floor(partials.length / 2);
    return mergePartials(balanced(partials.slice(0, middle)), balanced(partials.slice(middle)));
  },
  random: (partials, random) => {
    const pool = [...partials];
    while (pool.length > 1) {
      const [a] = pool.splice(Math.floor(random() * pool.length), 1);
      const [b] = pool.splice(Math.floor(random() * pool.length), 1);
      pool.push(JSON.parse(JSON.stringify(mergePartials(a, b))) as PartialAggregate);
    }
    return pool[0];
  },
  'mergeAll in one pass': (partials) => mergeAll(partials),
};

/** Collects each group's metric values, the reference for exact fields and quantiles. */
function referenceByGroup(data: Dataset): Map<string, Record<Metric, number[]>> {
  const byGroup = new Map<string, Record<Metric, number[]>>();
  data.keys.forEach((key, i) => {
    let entry = byGroup.get(key);
    if (!entry) {
      entry = { delay: [], distance: [], time: [] };
      byGroup.set(key, entry);
    }
    for (const metric of METRICS) {
      entry[metric].push(data.columns[metric][i]);
    }
  });
  return byGroup;
}

const FULL = process.env.FULL === '1';

describe(FULL ? 'merging 3M flights partials' : 'merging 200k flights partials', () => {
  let data: Dataset;
  let manifest: Manifest;
  let reference: Map<string, Record<Metric, number[]>>;
  const results: { label: string; groups: GroupSummary[]; partial: PartialAggregate }[] = [];

  beforeAll(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'pipeline-flights-'));
    try {
      data = FULL ? await loadFlights3m(directory) : loadFlights200k();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    manifest = parseManifest(JSON.stringify({ groupBy: [data.groupBy], metrics: METRICS, quantiles: QUANTILES }));
    reference = referenceByGroup(data);

    const random = seededRandom(20_260_412);
    for (const parts of [1, 7, 100]) {
      const partials = await mapParts(splitToCsv(data, parts, random), manifest);
      for (const [shape, merge] of Object.entries(treeShapes)) {
        const merged = merge(shuffled(partials, random), random);
        results.push({
          label: `${parts} parts, ${shape}`,
          groups: summarize(merged, manifest).groups,
          partial: merged,
        });
      }
    }
  }, 1_800_000);

  test('every split and tree shape gives the same groups', () => {
    expect(results).toHaveLength(15);
    const expected = JSON.stringify(results[0].partial.groups);
    for (const result of results) {
      expect({ label: result.label, groups: JSON.stringify(result.partial.groups) }).toEqual({
        label: result.label,
        groups: expected,
      });
    }
  });

  test('every split counts every row once', () => {
    for (const { partial } of results) {
      expect(partial.rows).toBe(data.keys.length);
      expect(partial.rejectedRows).toBe(0);
    }
  });

  test('count, sum, min and max are exact', () => {
    const { groups } = results[results.length - 1];
    expect(groups).toHaveLength(reference.size);

    for (const group of groups) {
      const key = group.key[data.groupBy];
      const values = reference.get(key)!;
      expect(group.count).toBe(values.delay.length);
      for (const metric of METRICS) {
        const summary = group.metrics[metric];
        const exactSum = roundScaled(values[metric].reduce((acc, v) => acc + scaledExact(v), 0n));
        expect({ key, metric, count: summary.count, sum: summary.sum }).toEqual({
          key,
          metric,
          count: values[metric].length,
          sum: exactSum,
        });
        expect({ key, metric, min: summary.min, max: summary.max }).toEqual({
          key,
          metric,
          min: values[metric].reduce((a, b) => Math.min(a, b)),
          max: values[metric].reduce((a, b) => Math.max(a, b)),
        });
      }
    }
  });

  test('naive float sums of time depend on the order', () => {
    const times = [...data.columns.time];
    const random = seededRandom(7);
    const sums = new Set([0, 1, 2, 3].map(() => shuffled(times, random).reduce((a, b) => a + b, 0)));
    expect(sums.size).toBeGreaterThan(1);
  });

  test('quantiles are within 1% of the exact values', () => {
    const { groups } = results[0];
    let checked = 0;
    for (const group of groups) {
      const key = group.key[data.groupBy];
      for (const metric of METRICS) {
        const sorted = [...reference.get(key)![metric]].sort((a, b) => a - b);
        for (const q of QUANTILES) {
          const exact = sorted[Math.floor(q * (sorted.length - 1))];
          const estimate = group.metrics[metric][quantileField(q)] as number;
          const withinOnePercent = Math.abs(estimate - exact) <= 0.01 * Math.abs(exact) + 1e-9;
          expect({ key, metric, q, exact, estimate, withinOnePercent }).toEqual({
            key,
            metric,
            q,
            exact,
            estimate,
            withinOnePercent: true,
          });
          checked += 1;
        }
      }
    }
    expect(checked).toBe(groups.length * METRICS.length * QUANTILES.length);
  });
});
