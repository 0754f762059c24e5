import type { Logger } from 'pino';
import type { RegisteredFunction } from '../contracts';
import { AppLoadError } from './app-loader';
import { type AppWorker, type AppWorkerOptions, WorkerError } from './app-worker';
import type { WorkerSource } from './function-invoker';
import { WorkerSupervisor } from './worker-supervisor';

export interface WorkerPoolOptions extends AppWorkerOptions {
  /** Number of worker threads, each loading the app. The caller validates it. */
  count: number;
}

interface WorkerSlot {
  supervisor: WorkerSupervisor;
  /** Invocations sent to this slot that have not settled, including ones waiting for a restart. */
  inFlight: number;
  logger: Logger;
}

/**
 * Runs the app in several worker threads, as `FUNCTIONS_WORKER_PROCESS_COUNT` runs several language worker
 * processes under the Functions host. Each thread loads the app and runs its appStart hooks, so module-level
 * state is per thread. Each thread has its own supervisor, so a crash restarts only that thread.
 *
 * An invocation goes to the thread with the fewest invocations in flight, ties broken round robin. Threads
 * that are restarting are passed over while another one can take the invocation, and a thread whose
 * supervisor gave up is never chosen while another one is left. When every supervisor has given up, `failure`
 * resolves.
 */
export class WorkerPool implements WorkerSource {
  /**
   * Functions the first thread registered. `start` checks that every thread registered the same names, and each
   * supervisor fails a restart whose thread registered other names.
   */
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  /**
   * Resolves, after a fatal log record, once the supervisor of every thread has given up, so no thread is left to
   * invoke. Never settles while a thread is alive or after `stop()`.
   */
  readonly failure: Promise<WorkerError>;
  readonly #slots: WorkerSlot[];
  /** Slot where the round-robin search for the next invocation starts. */
  #nextSlot = 0;
  #stopped = false;

  private constructor(slots: WorkerSlot[], logger: Logger) {
    this.#slots = slots;
    this.functions = slots[0].supervisor.worker.functions;
    this.failure = new Promise((resolve) => {
      for (const slot of slots) {
        slot.supervisor.onFailed((error) => {
          if (this.#stopped || !slots.every((other) => other.supervisor.failed)) return;
          const restarts = slots.reduce((sum, other) => sum + other.supervisor.restartCount, 0);
          // The supervisor already logged the whole error with its stack, so the first line is enough here.
          const reason = error.message.split('\n')[0];
          logger.fatal({ reason, workers: slots.length, restarts }, 'no app worker thread is left; stopping the host');
          resolve(new WorkerError(`no app worker thread is left: ${reason}`));
        });
      }
    });
  }

  /** Starts `count` worker threads at once. When one fails to load the app, stops the others and raises. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const loggers = Array.from({ length: options.count }, (_, index) => options.logger.child({ worker: index }));
    const results = await Promise.allSettled(loggers.map((logger) => WorkerSupervisor.start({ ...options, logger })));
    const supervisors = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    try {
      if (failure) throw failure.reason;
      checkSameFunctions(supervisors);
    } catch (error) {
      await Promise.allSettled(supervisors.map((supervisor) => supervisor.stop()));
      throw error;
    }
    options.logger.info({ workers: options.count }, 'app worker threads started');
    return new WorkerPool(
      supervisors.map((supervisor, index) => ({ supervisor, inFlight: 0, logger: loggers[index] })),
      options.logger,
    );
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Runs `call` with the chosen worker thread and counts it in flight on that thread until `call` settles. */
  async run<T>(call: (worker: AppWorker) => Promise<T>): Promise<T> {
    const slot = this.#chooseSlot();
    slot.inFlight++;
    try {
      return await call(await slot.supervisor.ready());
    } finally {
      slot.inFlight--;
    }
  }

  recycle(worker: AppWorker, reason: string): void {
    // Each supervisor ignores a worker that is not its current one, so only the owner restarts it.
    for (const slot of this.#slots) slot.supervisor.recycle(worker, reason);
  }

  /** Runs the appStart hooks in every thread, as each language worker process runs them in Azure. */
  async runAppStartHooks(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.supervisor.worker.runAppStartHooks()));
  }

  /**
   * Runs the appTerminate hooks in every thread whose supervisor has not given up, logs each failure but the first,
   * then raises the first.
   */
  async runAppTerminateHooks(): Promise<void> {
    const slots = this.#slots.filter((slot) => !slot.supervisor.failed);
    const results = await Promise.allSettled(slots.map((slot) => slot.supervisor.worker.runAppTerminateHooks()));
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [{ index, result }] : []));
    for (const { index, result } of failures.slice(1)) {
      slots[index].logger.error({ err: result.reason as unknown }, 'appTerminate hooks failed');
    }
    if (failures.length > 0) throw failures[0].result.reason;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#slots.map((slot) => slot.supervisor.stop()));
  }

  #chooseSlot(): WorkerSlot {
    const candidates = new Set(this.#candidateSlots());
    const fewest = Math.min(...[...candidates].map((slot) => slot.inFlight));

    const count = this.#slots.length;
    for (let step = 0; step < count; step++) {
      const index = (this.#nextSlot + step) % count;
      const slot = this.#slots[index];
      if (candidates.has(slot) && slot.inFlight === fewest) {
        this.#nextSlot = (index + 1) % count;
        return slot;
      }
    }
    throw new Error('unreachable: a candidate slot always has the fewest invocations in flight');
  }

  /** Returns the running slots, else the restarting ones, else all slots (their ready() raises the failure). */
  #candidateSlots(): WorkerSlot[] {
    const live = this.#slots.filter((slot) => !slot.supervisor.failed);
    const running = live.filter((slot) => !slot.supervisor.restarting);
    if (running.length > 0) return running;
    if (live.length > 0) return live;
    return this.#slots;
  }
}

/** Raises `AppLoadError` when a thread registered other function names than the first thread. */
function checkSameFunctions(supervisors: WorkerSupervisor[]): void {
  const expected = namesOf(supervisors[0]);
  supervisors.forEach((supervisor, index) => {
    const names = namesOf(supervisor);
    if (names.join('\n') === expected.join('\n')) return;
    throw new AppLoadError(
      `worker thread ${index} registered the functions [${names.join(', ')}], but worker thread 0 registered ` +
        `[${expected.join(', ')}]: every worker thread loads the app, so register functions unconditionally ` +
        'at load time, or run one worker with --workers 1',
    );
  });
}

function namesOf(supervisor: WorkerSupervisor): string[] {
  return [...supervisor.worker.functions.keys()].sort();
}
