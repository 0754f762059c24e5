/** Names the summary field of a quantile: 0.5 is `p50`, 0.95 is `p95`, 0.999 is `p99_9`. */
export function quantileField(quantile: number): string {
  // toPrecision(12) removes binary noise such as 0.999 * 100 = 99.89999999999999.
  const percent = Number((quantile * 100).toPrecision(12));
  return `p${String(percent).replace('.', '_')}`;
}
