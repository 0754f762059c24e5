import { runActivity } from '../activity-runner';
import type { EngineContext } from '../engine-context';
import type { ActivityCompletion } from '../store';
import { WakeSignal } from './wake-signal';

/**
 * Runs queued activity work items, at most `maxConcurrentActivityFunctions` at once, and records their
 * results in batches: every completion that arrives in the same event-loop turn goes into one transaction.
 */
export class ActivityDispatcher {
  private readonly running = new Set<Promise<void>>();
  private readonly completions: ActivityCompletion[] = [];
  private readonly pumpSignal = new WakeSignal(() => this.pump());
  private readonly flushSignal = new WakeSignal(() => this.flush());
  private stopped = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly stopGraceMs = 2000,
  ) {}

  wake(): void {
    if (!this.stopped) {
      this.pumpSignal.wake();
    }
  }

  /** Stops claiming work, waits briefly for running activities and records what finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    const grace = new Promise((resolve) => setTimeout(resolve, this.stopGraceMs).unref());
    await Promise.race([Promise.allSettled(this.running), grace]);
    this.flush();
  }

  private pump(): void {
    const slots = this.ctx.settings.maxConcurrentActivityFunctions - this.running.size;
    if (this.stopped || slots <= 0) {
      return;
    }
    for (const row of this.ctx.store.work.claimActivities(slots, Date.now())) {
      const run: Promise<void> = runActivity(this.ctx, row)
        .then((completion) => {
          if (!this.stopped || this.ctx.store.db.open) {
            this.completions.push(completion);
            this.flushSignal.wake();
          }
        })
        .finally(() => {
          this.running.delete(run);
          this.wake();
        });
      this.running.add(run);
    }
  }

  private flush(): void {
    if (this.completions.length === 0 || !this.ctx.store.db.open) {
      return;
    }
    const batch = this.completions.splice(0);
    const instances = this.ctx.store.work.completeActivities(batch);
    this.ctx.metrics.activityBatches++;
    for (const completion of batch) {
      if (completion.failed) {
        this.ctx.metrics.activitiesFailed++;
        this.ctx.logger.info(
          {
            instanceId: completion.instanceId,
            functionName: completion.functionName,
            reason: completion.failureReason,
          },
          'activity failed',
        );
      } else {
        this.ctx.metrics.activitiesCompleted++;
      }
    }
    if (instances.length > 0) {
      this.ctx.wake.orchestrations();
    }
  }
}
