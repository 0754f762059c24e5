/** Median, minimum and maximum of repeated measurements of one quantity. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every measurement, in the order taken. */
  values: number[];
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values: [...values] };
}

/** Ratio of each pair taken in the same round, so load that drifts between rounds cancels out. */
export function pairRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  return numerators.map((value, index) => value / denominators[index]);
}
