import type { Spread } from './stats';

/** A goal on a case's headline figure, such as "ratio at most 1.05". */
export interface Goal {
  comparison: 'at most' | 'at least';
  value: number;
}

/** One measured quantity of a case: its median, minimum and maximum over the runs. */
export interface Measurement {
  label: string;
  unit: string;
  spread: Spread;
  /** Digits after the decimal point when printed. @default 2 */
  digits?: number;
}

export interface CaseResult {
  id: string;
  title: string;
  /** The figure the goal applies to; also listed first in the table. */
  headline: Measurement;
  /** Absent for a case that only reports figures. */
  goal?: Goal;
  met?: boolean;
  measurements: Measurement[];
  /** 1-minute load average at the start of each run. */
  load: number[];
  /** App worker threads of the host that ran the case. */
  workers: number;
  /** Sizes and settings the case ran with, printed under the table. */
  setup: string;
  /** Anything else worth keeping in the JSON file: per-run raw figures, engine counters. */
  details?: unknown;
}

export function goalMet(goal: Goal, value: number): boolean {
  return goal.comparison === 'at most' ? value <= goal.value : value >= goal.value;
}

/** Builds a case result from its headline and the other measurements; the goal is judged on the median. */
export function caseResult(fields: Omit<CaseResult, 'met'>): CaseResult {
  if (!fields.goal) return fields;
  return { ...fields, met: goalMet(fields.goal, fields.headline.spread.median) };
}

/** Names a worker count for titles and setup lines, such as "2 app worker threads". */
export function workerThreads(count: number): string {
  return `${count} app worker thread${count === 1 ? '' : 's'}`;
}
