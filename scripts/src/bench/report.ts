import type { MachineFacts } from './machine';
import type { CaseResult, Measurement } from './results';

function format(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function row(measurement: Measurement, bold = false): string[] {
  const digits = measurement.digits ?? 2;
  const { median, min, max } = measurement.spread;
  const label = `${measurement.label}${measurement.unit ? ` (${measurement.unit})` : ''}`;
  const cells = [label, format(median, digits), format(min, digits), format(max, digits)];
  return bold ? cells.map((cell) => `**${cell}**`) : cells;
}

function goalLine(result: CaseResult): string {
  const { goal, headline } = result;
  if (!goal) return 'No goal: the figures are the reference.';
  const verdict = result.met ? 'met' : 'missed';
  const median = format(headline.spread.median, headline.digits ?? 2);
  return `Goal: ${headline.label} ${goal.comparison} ${goal.value}: **${verdict}** (median ${median}).`;
}

/** Renders one case as a Markdown table (median, min, max per quantity) with its goal, setup and load. */
export function caseMarkdown(result: CaseResult): string {
  const rows = [row(result.headline, true), ...result.measurements.map((m) => row(m))];
  const table = [
    '| quantity | median | min | max |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  const load = result.load.map((value) => value.toFixed(1)).join(', ');
  return [
    `### ${result.title}`,
    '',
    ...table,
    '',
    goalLine(result),
    '',
    `Setup: ${result.setup}. Runs: ${result.headline.spread.values.length}; 1-minute load average at each run: ${load}.`,
    '',
  ].join('\n');
}

export function machineMarkdown(machine: MachineFacts, command: string): string {
  return [
    `Date: ${machine.date}. Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memory} memory, ` +
      `Node.js ${machine.node}, commit ${machine.commit}. Load average at start: ${machine.loadAtStart.join(', ')}.`,
    '',
    `Command: \`${command}\``,
    '',
  ].join('\n');
}

/** Renders one case as aligned plain-text columns for the terminal. */
export function caseText(result: CaseResult): string {
  const rows = [['quantity', 'median', 'min', 'max'], row(result.headline), ...result.measurements.map((m) => row(m))];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const lines = rows.map((cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  '),
  );
  return [`${result.title}`, ...lines, goalLine(result).replace(/\*\*/g, ''), ''].join('\n');
}
