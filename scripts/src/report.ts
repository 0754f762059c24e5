import { BatchSummary, GroupSummary } from './summary';

export interface ReportOptions {
  /** Metric whose mean ranks the groups. */
  metric: string;
  /** Number of groups to print. @default 15 */
  top?: number;
}

/** Groups ranked by the metric's mean, highest first; ties by key so the order never varies. */
export function rankGroups(summary: BatchSummary, metric: string): GroupSummary[] {
  return summary.groups
    .filter((group) => typeof group.metrics[metric]?.mean === 'number')
    .sort((a, b) => {
      const difference = (b.metrics[metric].mean as number) - (a.metrics[metric].mean as number);
      return difference !== 0 ? difference : keyText(a).localeCompare(keyText(b));
    });
}

function keyText(group: GroupSummary): string {
  return Object.values(group.key).join('/');
}

/** Formats a fixed-width table of the top groups: key, count, mean and the requested quantiles of the metric. */
export function formatTopGroups(summary: BatchSummary, options: ReportOptions): string {
  const groups = rankGroups(summary, options.metric).slice(0, options.top ?? 15);
  const quantiles = quantileFields(groups, options.metric);
  const header = ['key', 'count', 'mean', ...quantiles];
  const rows = groups.map((group) => {
    const metric = group.metrics[options.metric];
    return [
      keyText(group),
      group.count.toLocaleString('en-US'),
      formatNumber(metric.mean),
      ...quantiles.map((field) => formatNumber(metric[field])),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function quantileFields(groups: GroupSummary[], metric: string): string[] {
  const fields = new Set<string>();
  for (const group of groups) {
    for (const field of Object.keys(group.metrics[metric] ?? {})) if (/^p\d/.test(field)) fields.add(field);
  }
  return [...fields].sort((a, b) => Number(a.slice(1).replace('_', '.')) - Number(b.slice(1).replace('_', '.')));
}

function formatNumber(value: number | null | undefined): string {
  return typeof value === 'number' ? value.toFixed(2) : '-';
}

/** Formats a byte count in binary units, such as `92.3 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
