import type { Logger } from 'pino';
import type { FunctionInvoker, RegisteredFunction } from '../contracts';
import { sleep } from './sleep';
import type { TimerSchedule } from './timer-schedule';
import type { ScheduleStatus, TimerStore } from './timer-store';

export interface TimerListenerOptions {
  fn: RegisteredFunction;
  schedule: TimerSchedule;
  /** Run once right after start-up, as `runOnStartup` does. */
  runOnStartup: boolean;
  /** Record the schedule status and report a missed occurrence as past due, as `useMonitor` does. */
  useMonitor: boolean;
  store: TimerStore;
  invoker: FunctionInvoker;
  logger: Logger;
}

/** Maximum single wait in milliseconds, because setTimeout cannot wait more than about 24 days. */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * Runs a timer-triggered function on its schedule, one occurrence at a time: an occurrence that falls while
 * the previous run is still going is skipped, as in the Functions host.
 */
export class TimerTriggerListener {
  readonly #abort = new AbortController();
  readonly #log: Logger;
  #loop?: Promise<void>;

  constructor(readonly config: TimerListenerOptions) {
    this.#log = config.logger.child({ functionName: config.fn.name });
  }

  start(): void {
    this.#loop = this.#run();
    this.#log.info({ useMonitor: this.config.useMonitor }, 'timer started');
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { fn, schedule, store, useMonitor } = this.config;
    const status = useMonitor ? store.get(fn.name) : undefined;
    const now = new Date();
    const missed = status !== undefined && Date.parse(status.next) < now.getTime();
    if (this.config.runOnStartup || missed) await this.#invoke(now, missed);

    while (!this.#abort.signal.aborted) {
      const due = schedule.next(new Date());
      if (!due) return;
      await this.#waitUntil(due);
      if (this.#abort.signal.aborted) return;
      await this.#invoke(due, false);
    }
  }

  async #waitUntil(due: Date): Promise<void> {
    for (;;) {
      const remaining = due.getTime() - Date.now();
      if (remaining <= 0 || this.#abort.signal.aborted) return;
      await sleep(Math.min(remaining, MAX_WAIT_MS), this.#abort.signal);
    }
  }

  async #invoke(occurrence: Date, isPastDue: boolean): Promise<void> {
    const now = new Date();
    const status: ScheduleStatus = {
      last: occurrence.toISOString(),
      next: (this.config.schedule.next(now) ?? now).toISOString(),
      lastUpdated: now.toISOString(),
    };
    if (this.config.useMonitor) this.config.store.put(this.config.fn.name, status);

    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: this.config.useMonitor
        ? { Last: status.last, Next: status.next, LastUpdated: status.lastUpdated }
        : null,
      IsPastDue: isPastDue,
    };
    try {
      const result = await this.config.invoker.invoke(this.config.fn.name, {
        trigger: { json: JSON.stringify(timerInfo) },
      });
      if (result.error)
        this.#log.error({ invocationId: result.invocationId, err: result.error }, 'timer function failed');
    } catch (error) {
      this.#log.error({ err: error }, 'timer invocation failed');
    }
  }
}
