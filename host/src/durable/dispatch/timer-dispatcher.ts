import type { EngineContext } from '../engine-context';
import { events } from '../events';
import { WakeSignal } from './wake-signal';

/** Maximum single sleep, because setTimeout cannot wait longer than 2^31-1 ms. */
const maxSleepMs = 2 ** 31 - 1;

/** Sleeps until the earliest durable timer is due, then turns due timers into TimerFired messages. */
export class TimerDispatcher {
  private readonly signal = new WakeSignal(() => this.pump());
  private sleep?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly ctx: EngineContext) {}

  wake(): void {
    if (!this.stopped) {
      this.signal.wake();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.sleep);
  }

  private pump(): void {
    clearTimeout(this.sleep);
    if (this.stopped) {
      return;
    }
    const due = this.ctx.store.work.nextTimerDue();
    if (due === undefined) {
      return;
    }
    const now = Date.now();
    if (due > now) {
      this.sleep = setTimeout(() => this.wake(), Math.min(due - now, maxSleepMs));
      this.sleep.unref();
      return;
    }
    const fired = this.ctx.store.work.fireDueTimers(now, (timerId, fireAt) =>
      JSON.stringify(events.timerFired(now, timerId, fireAt)),
    );
    this.ctx.metrics.timersFired += fired;
    this.ctx.wake.orchestrations();
    this.wake();
  }
}
