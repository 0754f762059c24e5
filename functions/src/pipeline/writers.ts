import { stringify } from 'csv-stringify/sync';

import { quantileField } from './quantile-field';
import { truncateMessage } from './truncate';
import type { BatchSummary, FailedBlob, GroupSummary, Manifest } from './types';

/** Serializes `summary.json`: two-space indented, ending with a newline. */
export function summaryJson(summary: BatchSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/**
 * Serializes `summary.csv`: a header, then one row per group with the groupBy values, the group's
 * row count and, per metric, `<metric>.count`, `.sum`, `.min`, `.max`, `.mean` and one column per
 * quantile (`<metric>.p50`, ...). Values are quoted where CSV needs it; a null is an empty cell.
 */
export function summaryCsv(
  groups: readonly GroupSummary[],
  manifest: Pick<Manifest, 'groupBy' | 'metrics' | 'quantiles'>,
): string {
  const metricFields = ['count', 'sum', 'min', 'max', 'mean', ...manifest.quantiles.map(quantileField)];
  const header = [
    ...manifest.groupBy,
    'count',
    ...manifest.metrics.flatMap((metric) => metricFields.map((field) => `${metric}.${field}`)),
  ];

  const rows = groups.map((group) => [
    ...manifest.groupBy.map((column) => group.key[column] ?? ''),
    group.count,
    ...manifest.metrics.flatMap((metric) => metricFields.map((field) => group.metrics[metric]?.[field] ?? '')),
  ]);
  return stringify([header, ...rows], { record_delimiter: '\n' });
}

/** Serializes `failed.jsonl`: one `{"blob", "kind", "message"}` object per line, messages capped at 4 KB. */
export function failedJsonl(failures: readonly FailedBlob[]): string {
  return failures
    .map((failure) =>
      JSON.stringify({ blob: failure.blob, kind: failure.kind, message: truncateMessage(failure.message) }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
