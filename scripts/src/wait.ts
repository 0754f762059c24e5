import { ApiOptions, ApiTimeoutError, BatchProgress, BatchView, STATUS_TIMEOUT_MS } from './api';
import { FINAL_STATUSES, getBatchStatus } from './batches';
import { CliError, HttpStatusError } from './errors';
import { quotedCliCommand } from './stack-options';

export interface WaitOptions {
  /** Milliseconds between status requests. @default 1000 */
  intervalMs?: number;
  /** Milliseconds to wait for a batch that has not started yet (the manifest event is still queued). @default 60000 */
  startTimeoutMs?: number;
  /** Milliseconds to wait in total; undefined waits until the batch ends. */
  timeoutMs?: number;
  /** Stream for the progress line. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Run to follow: a view of another run counts as not started yet. */
  runId?: string;
  /** ETag of the manifest whose run to follow: a view of another run counts as not started yet. */
  manifestEtag?: string;
  /** Called with each view of the followed run. */
  onStatus?: (view: BatchView) => void;
}

/** Returns the view when it shows the requested run, and undefined for another run. */
export function matchRun(
  view: BatchView | undefined,
  run: { runId?: string; manifestEtag?: string },
): BatchView | undefined {
  if (!view) return undefined;
  if (run.runId !== undefined && view.runId !== run.runId) return undefined;
  if (run.manifestEtag !== undefined && view.manifestEtag !== run.manifestEtag) return undefined;
  return view;
}

/** Exit code of a wait that timed out, whether the batch never started or did not end in time. */
export const TIMED_OUT_EXIT_CODE = 3;

/** Milliseconds between progress lines when the output is a file or pipe rather than a terminal. */
const PLAIN_LINE_INTERVAL_MS = 10_000;

/** Milliseconds after which a file or pipe gets an unchanged progress line again, to show the elapsed time. */
const PLAIN_REPEAT_INTERVAL_MS = 60_000;

/** Polls the batch until it reaches a final status, drawing a progress line; returns the final status. */
export async function waitForBatch(api: ApiOptions, batchId: string, options: WaitOptions = {}): Promise<BatchView> {
  const started = Date.now();
  const stream = options.stream ?? process.stderr;
  const line = new ProgressLine(stream);
  // The latest view of another run than the one followed, and whether the followed run was seen.
  let otherRun: BatchView | undefined;
  let seen = false;
  const readStatus = retryServerErrors(async () => {
    // A read without a response ends when --timeout does, so a hung server cannot keep the wait past it.
    const remaining = options.timeoutMs === undefined ? Infinity : options.timeoutMs - (Date.now() - started);
    const view = await getBatchStatus(
      api,
      batchId,
      Math.max(MIN_READ_TIMEOUT_MS, Math.min(STATUS_TIMEOUT_MS, remaining)),
    );
    const match = matchRun(view, options);
    if (match) {
      seen = true;
      options.onStatus?.(match);
    } else otherRun = view;
    return match;
  });
  const rate = new RowRate();
  try {
    for (;;) {
      const status = await readStatus();
      const elapsed = Date.now() - started;
      rate.observe(status);
      // A run that was shown and then gave way to another one has ended, and its outcome can no longer be read.
      const replaced = !status && otherRun !== undefined && (seen || options.runId !== undefined);
      if (replaced && (seen || elapsed > (options.startTimeoutMs ?? 60_000))) {
        throw replacedRunError(batchId, options, otherRun!);
      }
      if (!status && elapsed > (options.startTimeoutMs ?? 60_000)) {
        const run = options.runId
          ? ` run ${options.runId}`
          : options.manifestEtag
            ? ` (manifest ${options.manifestEtag})`
            : '';
        // The app ignores a manifest uploaded during a run, so no run of that manifest comes without a start.
        const ignored = options.manifestEtag
          ? `; if it was uploaded while a run was active, start its run with ${quotedCliCommand(['start', batchId])}`
          : '';
        const current = otherRun ? `; the batch's current run is ${describeRun(otherRun)}` : '';
        throw new CliError(
          `batch '${batchId}'${run} did not start within ${Math.round(elapsed / 1000)} s${current}: ` +
            `check that its _manifest.json was uploaded and that the blob-created queue is being read${ignored}`,
          TIMED_OUT_EXIT_CODE,
        );
      }
      line.update(formatProgress(status, elapsed, rate.rowsPerSecond(status)));
      if (status && (FINAL_STATUSES as readonly string[]).includes(status.runtimeStatus)) return status;
      if (options.timeoutMs !== undefined && elapsed > options.timeoutMs) {
        throw new CliError(
          `batch '${batchId}' is still ${status?.runtimeStatus ?? 'not started'} after ${Math.round(elapsed / 1000)} s`,
          TIMED_OUT_EXIT_CODE,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  } finally {
    line.end();
  }
}

/** Describes a run as `run R (manifest ETag E, Completed)`. */
function describeRun(view: BatchView): string {
  return `run ${view.runId ?? view.instanceId} (manifest ETag ${view.manifestEtag ?? 'unknown'}, ${view.runtimeStatus})`;
}

/**
 * Builds the error for a followed run, or run of a manifest, that another run replaced in the batch's status. The
 * error names the current run and the commands that show it. Its exit code is that of a wait that timed out.
 */
export function replacedRunError(
  batchId: string,
  followed: { runId?: string; manifestEtag?: string },
  current: BatchView,
): CliError {
  const wanted =
    followed.runId !== undefined ? `run ${followed.runId}` : `the run of manifest ${followed.manifestEtag}`;
  const active = !(FINAL_STATUSES as readonly string[]).includes(current.runtimeStatus) && current.runId;
  const next = active
    ? `follow it with ${quotedCliCommand(['wait', batchId, '--run', current.runId!])}`
    : `see it with ${quotedCliCommand(['status', batchId])} or ${quotedCliCommand(['result', batchId])}`;
  return new CliError(
    `batch '${batchId}' no longer shows ${wanted}: its current run is ${describeRun(current)}, so ${wanted} ` +
      `ended or was replaced before run ${current.runId ?? current.instanceId} started; ${next}`,
    TIMED_OUT_EXIT_CODE,
  );
}

/** Milliseconds a status read may take at least, even when less of --timeout is left. */
const MIN_READ_TIMEOUT_MS = 1000;

/** Consecutive HTTP 5xx responses tolerated while polling, one polling interval apart. */
const MAX_SERVER_ERRORS = 5;

/**
 * Wraps a status read so that up to MAX_SERVER_ERRORS consecutive HTTP 5xx responses return the last
 * status read instead of failing: a long wait should outlast a brief server error.
 */
function retryServerErrors(read: () => Promise<BatchView | undefined>): () => Promise<BatchView | undefined> {
  let failures = 0;
  let last: BatchView | undefined;
  return async () => {
    try {
      last = await read();
      failures = 0;
    } catch (error) {
      failures += 1;
      const transient = (error instanceof HttpStatusError && error.status >= 500) || error instanceof ApiTimeoutError;
      if (!transient || failures > MAX_SERVER_ERRORS) throw error;
    }
    return last;
  };
}

/** Rows per second of a running batch, over the rows counted while this process watched it. */
export class RowRate {
  private first?: { instanceId: string; runId?: string; rows: number; at: number };

  observe(status: BatchView | undefined): void {
    const rows = status?.progress?.rows;
    if (!status || typeof rows !== 'number') return;
    const sameRun = this.first?.instanceId === status.instanceId && this.first.runId === status.runId;
    if (!sameRun) this.first = { instanceId: status.instanceId, runId: status.runId, rows, at: Date.now() };
  }

  rowsPerSecond(status: BatchView | undefined): number | undefined {
    const rows = status?.progress?.rows;
    if (!status || typeof rows !== 'number' || !this.first) return undefined;
    const seconds = (Date.now() - this.first.at) / 1000;
    return seconds > 0 ? (rows - this.first.rows) / seconds : undefined;
  }
}

/** Returns the seconds from a run's creation to its last update, or undefined when the view lacks either time. */
function runSeconds(status: BatchView): number | undefined {
  const begin = Date.parse(status.createdTime ?? '');
  const end = Date.parse(status.lastUpdatedTime ?? '');
  return end > begin ? (end - begin) / 1000 : undefined;
}

/**
 * Formats the progress line: status, phase, files done and failed of the total, then rows per second and the time
 * waited while the batch runs. A batch that ended shows its run's rows, duration and rate instead, because the time
 * waited does not describe a run that ended before the wait began.
 */
export function formatProgress(status: BatchView | undefined, elapsedMs: number, rowsPerSecond?: number): string {
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  if (!status) return `waiting for the batch to start | ${seconds}`;
  const progress: BatchProgress = status.progress ?? {};
  const parts = [status.runtimeStatus];
  if (progress.phase) parts.push(String(progress.phase));
  if (typeof progress.total === 'number') {
    parts.push(`${progress.done ?? 0}/${progress.total} files done, ${progress.failed ?? 0} failed`);
  }
  if ((FINAL_STATUSES as readonly string[]).includes(status.runtimeStatus)) {
    const runTime = runSeconds(status);
    if (runTime !== undefined) parts.push(formatRun(progress.rows, runTime));
    return parts.join(' | ');
  }
  if (rowsPerSecond !== undefined && Number.isFinite(rowsPerSecond)) {
    parts.push(`${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s`);
  }
  parts.push(seconds);
  return parts.join(' | ');
}

/** Formats an ended run's figures, such as `6,000,000 rows in 60.0 s (100,000 rows/s)`. */
function formatRun(rows: number | undefined, runTime: number): string {
  const duration = `${runTime.toFixed(1)} s`;
  if (typeof rows !== 'number') return `run time ${duration}`;
  const rate = Math.round(rows / runTime).toLocaleString('en-US');
  return `${rows.toLocaleString('en-US')} rows in ${duration} (${rate} rows/s)`;
}

/**
 * Rewrites one line in place on a terminal. Elsewhere it prints a line when the text changes, at most every 10 s,
 * repeats an unchanged line every 60 s, and prints the latest line at the end, so the elapsed time is always shown.
 */
class ProgressLine {
  private lastText = '';
  private lastPrinted = 0;
  private latest = '';
  private latestPrinted = true;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(text: string): void {
    if (this.stream.isTTY) {
      // A terminal of unknown size reports 0 columns; the line is then written whole.
      const width = this.stream.columns > 0 ? this.stream.columns - 1 : text.length;
      this.stream.write(`\r${text.slice(0, width)}\x1b[K`);
      this.drawn = true;
      return;
    }
    this.latest = text;
    this.latestPrinted = false;
    const stripped = text.replace(/ \| [\d.]+ s$/, '').replace(/ \| [\d,]+ rows\/s/, '');
    const sincePrinted = Date.now() - this.lastPrinted;
    const changed = stripped !== this.lastText && sincePrinted >= PLAIN_LINE_INTERVAL_MS;
    if (changed || sincePrinted >= PLAIN_REPEAT_INTERVAL_MS) {
      this.stream.write(`${text}\n`);
      this.lastText = stripped;
      this.lastPrinted = Date.now();
      this.latestPrinted = true;
    }
  }

  end(): void {
    if (this.drawn) this.stream.write('\n');
    if (!this.stream.isTTY && !this.latestPrinted) this.stream.write(`${this.latest}\n`);
  }
}

/** Exit code for a batch that ended: 0 completed, 1 failed, 2 terminated or canceled. */
export function batchExitCode(view: BatchView): number {
  if (view.runtimeStatus === 'Terminated' || view.runtimeStatus === 'Canceled') return 2;
  return view.runtimeStatus === 'Completed' && view.status !== 'failed' ? 0 : 1;
}

/** Describes in one line how the batch ended, with the error the Function App reported. */
export function describeOutcome(view: BatchView): string {
  const batchStatus = view.status ? ` (batch ${view.status})` : '';
  const error = view.error === undefined || view.error === null ? '' : `: ${oneLine(view.error)}`;
  return `ended as ${view.runtimeStatus}${batchStatus}${error}`;
}

function oneLine(value: unknown): string {
  if (typeof value === 'string') return value.split('\n')[0];
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message.split('\n')[0];
  }
  return JSON.stringify(value);
}
