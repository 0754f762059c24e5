import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { mapStream, mergeAll, mergePartials, parseManifest, summarize } from '../../functions/src/pipeline';
import type { GroupSummary, PartialAggregate } from '../../functions/src/pipeline';
import { chunkedStream, roundScaled, scaledExact, seededRandom, shuffled } from './helpers';

interface Flight {
  delay: number;
  distance: number;
  time: number;
}

const METRICS = ['delay', 'distance', 'time'] as const;
const QUANTILES = [0.01, 0.25, 0.5, 0.95, 0.99, 0.999];
const manifest = parseManifest(JSON.stringify({ groupBy: ['hour'], metrics: METRICS, quantiles: QUANTILES }));

const flights: Flight[] = JSON.parse(
  readFileSync(join(__dirname, '../../node_modules/vega-datasets/data/flights-200k.json'), 'utf8'),
) as Flight[];

function hourOf(flight: Flight): string {
  return String(Math.floor(flight.time));
}

/** One CSV per part, cut at seeded random row offsets so the parts differ in size. */
function splitToCsv(parts: number, random: () => number): string[] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) {
    cuts.add(1 + Math.floor(random() * (flights.length - 1)));
  }
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), flights.length];
  return bounds.slice(1).map((end, i) => {
    const lines = flights.slice(bounds[i], end).map((f) => `${hourOf(f)},${f.delay},${f.distance},${f.time}`);
    return `hour,delay,distance,time\r\n${lines.join('\r\n')}\r\n`;
  });
}

async function mapParts(csvs: string[]): Promise<PartialAggregate[]> {
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

/** Exact reference values per hour, computed directly from the data set. */
function referenceByHour() {
  const byHour = new Map<string, Record<(typeof METRICS)[number], number[]>>();
  for (const flight of flights) {
    const hour = hourOf(flight);
    let entry = byHour.get(hour);
    if (!entry) {
      entry = { delay: [], distance: [], time: [] };
      byHour.set(hour, entry);
    }
    for (const metric of METRICS) {
      entry[metric].push(flight[metric]);
    }
  }
  return byHour;
}

describe('merging flights partials', () => {
  const results: { label: string; groups: GroupSummary[]; partial: PartialAggregate }[] = [];

  beforeAll(async () => {
    const random = seededRandom(20_260_412);
    for (const parts of [1, 7, 100]) {
      const partials = await mapParts(splitToCsv(parts, random));
      for (const [shape, merge] of Object.entries(treeShapes)) {
        const merged = merge(shuffled(partials, random), random);
        results.push({ label: `${parts} parts, ${shape}`, groups: summarize(merged, manifest).groups, partial: merged });
      }
    }
  });

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
      expect(partial.rows).toBe(flights.length);
      expect(partial.rejectedRows).toBe(0);
    }
  });

  test('count, sum, min and max are exact', () => {
    const reference = referenceByHour();
    const { groups } = results[results.length - 1];
    expect(groups.map((g) => g.key.hour)).toEqual([...reference.keys()].sort((a, b) => Number(a) - Number(b)));

    for (const group of groups) {
      const values = reference.get(group.key.hour)!;
      expect(group.count).toBe(values.delay.length);
      for (const metric of METRICS) {
        const summary = group.metrics[metric];
        const exactSum = roundScaled(values[metric].reduce((acc, v) => acc + scaledExact(v), 0n));
        expect({ hour: group.key.hour, metric, count: summary.count }).toEqual({
          hour: group.key.hour,
          metric,
          count: values[metric].length,
        });
        expect({ hour: group.key.hour, metric, sum: summary.sum }).toEqual({ hour: group.key.hour, metric, sum: exactSum });
        expect(summary.min).toBe(Math.min(...values[metric]));
        expect(summary.max).toBe(Math.max(...values[metric]));
      }
    }
  });

  test('naive float sums of time depend on the order', () => {
    const times = flights.map((f) => f.time);
    const random = seededRandom(7);
    const sums = new Set([0, 1, 2, 3].map(() => shuffled(times, random).reduce((a, b) => a + b, 0)));
    expect(sums.size).toBeGreaterThan(1);
  });

  test('quantiles are within 1% of the exact values', () => {
    const reference = referenceByHour();
    const { groups } = results[0];
    let checked = 0;
    for (const group of groups) {
      for (const metric of METRICS) {
        const sorted = [...reference.get(group.key.hour)![metric]].sort((a, b) => a - b);
        for (const q of QUANTILES) {
          const exact = sorted[Math.floor(q * (sorted.length - 1))];
          const estimate = group.metrics[metric][`p${String(Number((q * 100).toPrecision(12))).replace('.', '_')}`];
          const error = Math.abs((estimate as number) - exact);
          expect({ hour: group.key.hour, metric, q, exact, withinOnePercent: error <= 0.01 * Math.abs(exact) + 1e-9 }).toEqual({
            hour: group.key.hour,
            metric,
            q,
            exact,
            withinOnePercent: true,
          });
          checked += 1;
        }
      }
    }
    expect(checked).toBe(groups.length * METRICS.length * QUANTILES.length);
  });
});
