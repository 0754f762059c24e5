import { compareGroupKeys } from './group-key';
import { quantileField } from './quantile-field';
import { decodeSketch, sketchQuantile } from './sketch';
import type {
  GroupPartial,
  GroupSummary,
  InputSummary,
  Manifest,
  MetricPartial,
  MetricSummary,
  PartialAggregate,
} from './types';

/**
 * Turns a merged partial into the summary's `groups` and `input`: per group and metric the exact
 * count, sum, min, max and mean, plus one field per requested quantile from the sketch. Groups are
 * sorted by key as `compareGroupKeys` orders them; metrics follow the manifest's order.
 */
export function summarize(
  partial: PartialAggregate,
  manifest: Pick<Manifest, 'metrics' | 'quantiles'>,
): { groups: GroupSummary[]; input: InputSummary } {
  const groups = [...partial.groups]
    .sort((a, b) => compareGroupKeys(a.key, b.key))
    .map((group) => summarizeGroup(group, manifest));

  return {
    groups,
    input: {
      blobs: partial.files,
      bytes: partial.bytes,
      rows: partial.rows,
      rejectedRows: partial.rejectedRows,
      rejectedSamples: partial.rejectedSamples,
    },
  };
}

function summarizeGroup(group: GroupPartial, manifest: Pick<Manifest, 'metrics' | 'quantiles'>): GroupSummary {
  const metrics: Record<string, MetricSummary> = {};
  for (const name of manifest.metrics) {
    metrics[name] = summarizeMetric(group.metrics[name], manifest.quantiles);
  }
  return { key: { ...group.key }, count: group.count, metrics };
}

function summarizeMetric(metric: MetricPartial | undefined, quantiles: readonly number[]): MetricSummary {
  const summary: MetricSummary = { count: 0, sum: 0, min: null, max: null, mean: null };
  if (metric && metric.count > 0) {
    summary.count = metric.count;
    summary.sum = metric.sum;
    summary.min = metric.min;
    summary.max = metric.max;
    summary.mean = metric.sum / metric.count;
  }

  const sketch = metric && metric.count > 0 ? decodeSketch(metric.sketch) : undefined;
  for (const quantile of quantiles) {
    const value = sketch ? sketchQuantile(sketch, quantile) : null;
    summary[quantileField(quantile)] = value === null ? null : clamp(value, summary.min, summary.max);
  }
  return summary;
}

/**
 * Keeps a sketch quantile inside the exact range. A DDSketch returns the midpoint of a bucket, which can lie just
 * outside the observed values (98.5 for a single value of 98). The true quantile never does, so clamping only
 * moves the estimate closer to it.
 */
function clamp(value: number, min: number | null, max: number | null): number {
  return Math.min(Math.max(value, min ?? -Infinity), max ?? Infinity);
}
