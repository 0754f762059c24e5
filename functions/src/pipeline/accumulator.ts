import type { DDSketch } from '@datadog/sketches-js';

import { FileFormatError, InvalidInputError } from './errors';
import { addToExpansion, canonicalExpansion, mergeExpansion, roundExpansion } from './exact-sum';
import { compareGroupKeys, groupKeyId } from './group-key';
import { createSketch, decodeSketch, encodeSketch, mergeSketchInto } from './sketch';
import type { GroupPartial, MetricPartial, PartialAggregate, RejectedRowSample } from './types';

/** Rejected-row samples kept per partial. */
export const MAX_REJECTED_SAMPLES = 10;

interface MetricState {
  count: number;
  min: number;
  max: number;
  expansion: number[];
  sketch: DDSketch;
}

interface GroupState {
  key: Record<string, string>;
  count: number;
  metrics: Map<string, MetricState>;
}

/**
 * Mutable aggregate behind both the map step (rows) and the reduce step (partials). Every operation is
 * exact (integer counts and sketch bins, exact sums, min and max), so the partial it produces is the
 * same whatever order rows and partials were added in.
 */
export class Accumulator {
  private files = 0;
  private bytes = 0;
  private rows = 0;
  private rejectedRows = 0;
  private samples: RejectedRowSample[] = [];
  private readonly groups = new Map<string, GroupState>();
  private keyFields: string | undefined;

  /** `maxGroups` limits the distinct group keys; the map step sets it and merges leave it unlimited. */
  constructor(private readonly maxGroups = Infinity) {}

  addFile(bytes: number): void {
    this.files += 1;
    this.bytes += bytes;
  }

  /** Adds an accepted row; `values[i]` belongs to `metricNames[i]`. */
  addRow(key: Record<string, string>, metricNames: readonly string[], values: readonly number[]): void {
    this.rows += 1;
    const group = this.groupFor(key);
    group.count += 1;

    metricNames.forEach((name, i) => {
      const metric = this.metricFor(group, name);
      const value = values[i];
      metric.count += 1;
      metric.min = Math.min(metric.min, value);
      metric.max = Math.max(metric.max, value);
      addToExpansion(metric.expansion, value);
      metric.sketch.accept(value);
    });
  }

  reject(sample: RejectedRowSample): void {
    this.rows += 1;
    this.rejectedRows += 1;
    this.keepSamples([sample]);
  }

  /** Merges a partial produced by `toPartial`, possibly after a JSON round trip. */
  addPartial(partial: PartialAggregate): void {
    this.files += partial.files;
    this.bytes += partial.bytes;
    this.rows += partial.rows;
    this.rejectedRows += partial.rejectedRows;
    this.keepSamples(partial.rejectedSamples);

    for (const incoming of partial.groups) {
      this.addGroupPartial(incoming);
    }
  }

  toPartial(): PartialAggregate {
    const groups = [...this.groups.values()].map(groupToPartial);
    groups.sort((a, b) => compareGroupKeys(a.key, b.key));
    return {
      files: this.files,
      bytes: this.bytes,
      rows: this.rows,
      rejectedRows: this.rejectedRows,
      rejectedSamples: [...this.samples],
      groups,
    };
  }

  private addGroupPartial(incoming: GroupPartial): void {
    const group = this.groupFor(incoming.key);
    if (group.count > 0 && !sameNames(group.metrics.keys(), Object.keys(incoming.metrics))) {
      throw new InvalidInputError(
        `Cannot merge partials with different metrics: [${[...group.metrics.keys()]}] and [${Object.keys(incoming.metrics)}]. ` +
          'Merge only partials mapped with the same manifest.',
        'metrics',
        Object.keys(incoming.metrics),
      );
    }
    group.count += incoming.count;

    for (const [name, source] of Object.entries(incoming.metrics)) {
      checkMetricPartial(name, source);
      const metric = this.metricFor(group, name);
      metric.count += source.count;
      if (source.count > 0) {
        metric.min = Math.min(metric.min, source.min);
        metric.max = Math.max(metric.max, source.max);
      }
      mergeExpansion(metric.expansion, source.sumExpansion);
      mergeSketchInto(metric.sketch, decodeSketch(source.sketch));
    }
  }

  private groupFor(key: Record<string, string>): GroupState {
    const id = groupKeyId(key);
    const existing = this.groups.get(id);
    if (existing) {
      return existing;
    }

    this.checkKeyFields(key);
    if (this.groups.size >= this.maxGroups) {
      throw new FileFormatError(
        'too-many-groups',
        `The file has more than ${this.maxGroups} distinct keys of the groupBy columns ${JSON.stringify(Object.keys(key))}. ` +
          'Group by fewer or coarser columns.',
      );
    }
    const group: GroupState = { key: { ...key }, count: 0, metrics: new Map() };
    this.groups.set(id, group);
    return group;
  }

  private checkKeyFields(key: Record<string, string>): void {
    const fields = JSON.stringify(Object.keys(key));
    if (this.keyFields === undefined) {
      this.keyFields = fields;
    } else if (this.keyFields !== fields) {
      throw new InvalidInputError(
        `Cannot merge partials grouped by different columns: ${this.keyFields} and ${fields}. ` +
          'Merge only partials mapped with the same manifest.',
        'groupBy',
        Object.keys(key),
      );
    }
  }

  private metricFor(group: GroupState, name: string): MetricState {
    let metric = group.metrics.get(name);
    if (!metric) {
      metric = { count: 0, min: Infinity, max: -Infinity, expansion: [], sketch: createSketch() };
      group.metrics.set(name, metric);
    }
    return metric;
  }

  private keepSamples(samples: readonly RejectedRowSample[]): void {
    if (samples.length === 0) {
      return;
    }
    const all = [...this.samples, ...samples];
    all.sort(compareSamples);
    this.samples = all.slice(0, MAX_REJECTED_SAMPLES);
  }
}

function groupToPartial(group: GroupState): GroupPartial {
  const metrics: Record<string, MetricPartial> = {};
  for (const [name, metric] of group.metrics) {
    metrics[name] = {
      count: metric.count,
      sum: roundExpansion(metric.expansion),
      sumExpansion: canonicalExpansion(metric.expansion),
      min: metric.min,
      max: metric.max,
      sketch: encodeSketch(metric.sketch),
    };
  }
  return { key: { ...group.key }, count: group.count, metrics };
}

function checkMetricPartial(name: string, metric: MetricPartial): void {
  const valid =
    Number.isSafeInteger(metric.count) &&
    Array.isArray(metric.sumExpansion) &&
    metric.sumExpansion.every(Number.isFinite) &&
    typeof metric.sketch === 'string';
  if (!valid) {
    throw new InvalidInputError(
      `Invalid partial: metric ${JSON.stringify(name)} needs an integer count, a sumExpansion of finite numbers and a ` +
        'sketch string. Map the file again with this version of the pipeline.',
      'partial',
      metric,
    );
  }
}

function sameNames(left: Iterable<string>, right: readonly string[]): boolean {
  const a = [...left].sort();
  const b = [...right].sort();
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

function compareSamples(a: RejectedRowSample, b: RejectedRowSample): number {
  if (a.file !== b.file) {
    return a.file < b.file ? -1 : 1;
  }
  if (a.line !== b.line) {
    return a.line - b.line;
  }
  if (a.reason === b.reason) {
    return 0;
  }
  return a.reason < b.reason ? -1 : 1;
}
