import type { EngineContext } from '../engine-context';
import { runEpisode } from '../episode';
import type { ReadyCandidate } from '../store';
import { WakeSignal } from './wake-signal';

/**
 * Runs orchestration episodes for instances with queued messages, at most `maxConcurrentOrchestratorFunctions`
 * at once and never two for one instance. An instance with activities or sub-orchestrations still in flight
 * waits until its new messages reach historyLength / `episodeBatchDivisor` (or `episodeBatchMaxWaitMs` has
 * passed), so a fan-out of N replays O(N) events in total instead of O(N²).
 */
export class OrchestrationDispatcher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly signal = new WakeSignal(() => this.pump());
  private deadline?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly ctx: EngineContext) {}

  wake(): void {
    if (!this.stopped) {
      this.signal.wake();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.deadline);
    await Promise.allSettled(this.running.values());
  }

  private pump(): void {
    const max = this.ctx.settings.maxConcurrentOrchestratorFunctions;
    if (this.stopped || this.running.size >= max) {
      return;
    }
    const now = Date.now();
    let nextCheck = Infinity;
    for (const candidate of this.ctx.store.readyCandidates(max * 4 + this.running.size + 100)) {
      if (this.running.size >= max) {
        break;
      }
      if (this.running.has(candidate.instance_id)) {
        continue;
      }
      const waitUntil = this.readyAt(candidate, now);
      if (waitUntil <= now) {
        this.start(candidate.instance_id);
      } else {
        nextCheck = Math.min(nextCheck, waitUntil);
      }
    }
    clearTimeout(this.deadline);
    if (nextCheck < Infinity) {
      this.deadline = setTimeout(() => this.wake(), nextCheck - now);
      this.deadline.unref();
    }
  }

  /** Time from which the candidate's episode should run (now or earlier means at once). */
  private readyAt(candidate: ReadyCandidate, now: number): number {
    const { episodeBatchDivisor, episodeBatchMaxWaitMs } = this.ctx.settings;
    const threshold = Math.max(1, Math.floor(candidate.history_length / episodeBatchDivisor));
    if (candidate.has_control || candidate.status !== 'Running' || candidate.message_count >= threshold) {
      return now;
    }
    const deadline = candidate.oldest_message_at + episodeBatchMaxWaitMs;
    if (deadline <= now || !this.ctx.store.hasWorkInFlight(candidate.instance_id, candidate.execution_id)) {
      return now;
    }
    return deadline;
  }

  private start(instanceId: string): void {
    const episode = runEpisode(this.ctx, instanceId)
      .catch((error: unknown) => this.ctx.logger.error({ instanceId, err: error }, 'orchestration episode failed'))
      .finally(() => {
        this.running.delete(instanceId);
        this.wake();
      });
    this.running.set(instanceId, episode);
  }
}
