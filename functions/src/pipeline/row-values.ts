import { parseStrictNumber } from './strict-number';

/** Longest CSV record or NDJSON line accepted, in characters; a longer one fails the file. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * Largest metric magnitude accepted. Exact sums stay finite below about 1.8e8 such values per group,
 * because the largest double is about 1.8e308; a larger value rejects its row.
 */
export const MAX_METRIC_MAGNITUDE = 1e300;

/** GroupBy and metric column names read from each row. */
export interface RowColumns {
  groupBy: readonly string[];
  metrics: readonly string[];
}

export type RowValues = { ok: true; key: Record<string, string>; values: number[] } | { ok: false; reason: string };

/**
 * Reads the group key and metric values of one row through `read`, which returns the column's value
 * or a reason to reject the row. A row is rejected whole when any metric is missing or not a number,
 * so every metric of a group counts the same rows.
 */
export function readRowValues(
  columns: RowColumns,
  read: (column: string) => { ok: true; value: string | number } | { ok: false; reason: string },
): RowValues {
  const key: Record<string, string> = {};
  for (const column of columns.groupBy) {
    const cell = read(column);
    if (!cell.ok) {
      return cell;
    }
    key[column] = String(cell.value);
  }

  const values: number[] = [];
  for (const column of columns.metrics) {
    const cell = read(column);
    if (!cell.ok) {
      return cell;
    }
    const parsed =
      typeof cell.value === 'number' ? { ok: true as const, value: cell.value } : parseStrictNumber(cell.value);
    if (!parsed.ok) {
      return { ok: false, reason: `column ${JSON.stringify(column)}: ${parsed.reason}` };
    }
    if (Math.abs(parsed.value) > MAX_METRIC_MAGNITUDE) {
      return { ok: false, reason: `column ${JSON.stringify(column)}: magnitude above ${MAX_METRIC_MAGNITUDE}` };
    }
    values.push(parsed.value === 0 ? 0 : parsed.value);
  }
  return { ok: true, key, values };
}
