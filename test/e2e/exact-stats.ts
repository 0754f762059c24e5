/** Exact per-group statistics computed directly from rows: the oracle the pipeline's summary is checked against. */
export interface ExactMetric {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Values sorted ascending, for exact quantiles. */
  sorted: number[];
}

export type ExactGroups = Map<string, { count: number; metrics: Record<string, ExactMetric> }>;

/** Aggregates `key,metric1,metric2,...` lines by key. */
export function aggregateLines(text: string, metricNames: string[]): ExactGroups {
  const groups: ExactGroups = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [key, ...values] = line.split(',');
    let group = groups.get(key);
    if (!group) {
      const metrics = Object.fromEntries(
        metricNames.map((name) => [name, { count: 0, sum: 0, min: Infinity, max: -Infinity, sorted: [] as number[] }]),
      );
      group = { count: 0, metrics };
      groups.set(key, group);
    }
    group.count += 1;
    metricNames.forEach((name, index) => {
      const value = Number(values[index]);
      const metric = group.metrics[name];
      metric.count += 1;
      metric.sum += value;
      metric.min = Math.min(metric.min, value);
      metric.max = Math.max(metric.max, value);
      metric.sorted.push(value);
    });
  }
  for (const group of groups.values()) {
    for (const metric of Object.values(group.metrics)) metric.sorted.sort((a, b) => a - b);
  }
  return groups;
}

/** Returns the value at rank floor(q * (n - 1)) of the sorted values, the rank a DDSketch query estimates. */
export function exactQuantile(sorted: number[], quantile: number): number {
  return sorted[Math.floor(quantile * (sorted.length - 1))];
}
