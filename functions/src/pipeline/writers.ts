import { stringify } from 'csv-stringify/sync';

import { quantileField } from './quantile-field';
import { DECIMAL } from './strict-number';
import { truncateMessage } from './truncate';
import type { BatchSummary, FailedBlob, GroupSummary, Manifest } from './types';

/** Serializes `summary.json`: two-space indented, ending with a newline. */
export function summaryJson(summary: BatchSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Returns the `summary.csv` column names: groupBy columns, `count`, then `<metric>.<field>` per metric. */
export function summaryCsvColumns(manifest: Pick<Manifest, 'groupBy' | 'metrics' | 'quantiles'>): string[] {
  return [
    ...manifest.groupBy,
    'count',
    ...manifest.metrics.flatMap((metric) => metricFields(manifest).map((field) => `${metric}.${field}`)),
  ];
}

function metricFields(manifest: Pick<Manifest, 'quantiles'>): string[] {
  return ['count', 'sum', 'min', 'max', 'mean', ...manifest.quantiles.map(quantileField)];
}

/** First characters that make a spreadsheet read a cell as a formula, and the quote that marks a neutralized one. */
const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * Returns `text` with a leading `'` when a spreadsheet would read it as a formula: it starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return and is not a decimal number. A value that starts with `'` gets one too, so
 * removing one leading `'` from such a cell always gives the value back.
 */
export function spreadsheetText(text: string): string {
  return FORMULA_START.test(text) && !DECIMAL.test(text) ? `'${text}` : text;
}

/**
 * Serializes `summary.csv`: a header, then one row per group with the groupBy values, the group's
 * row count and, per metric, `<metric>.count`, `.sum`, `.min`, `.max`, `.mean` and one column per
 * quantile (`<metric>.p50`, ...). Values are quoted where CSV needs it; a null is an empty cell.
 * Header names and group values pass through `spreadsheetText`; numbers are written as they are.
 */
export function summaryCsv(
  groups: readonly GroupSummary[],
  manifest: Pick<Manifest, 'groupBy' | 'metrics' | 'quantiles'>,
): string {
  const fields = metricFields(manifest);
  const header = summaryCsvColumns(manifest).map(spreadsheetText);

  const rows = groups.map((group) => [
    ...manifest.groupBy.map((column) => spreadsheetText(group.key[column] ?? '')),
    group.count,
    ...manifest.metrics.flatMap((metric) => fields.map((field) => group.metrics[metric]?.[field] ?? '')),
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
