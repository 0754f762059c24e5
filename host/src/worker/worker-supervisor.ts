import type { Logger } from 'pino';
import { AppWorker, AppWorkerOptions, WorkerError } from './app-worker';

/** Restarts allowed within `RESTART_WINDOW_MS` before the supervisor gives up, so a crash loop ends. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * Keeps one app worker thread running: when the thread ends by itself, as a crashed language worker
 * process does under the Functions host, it loads the app again in a new thread and runs its appStart hooks.
 * Invocations in flight at the crash fail; later ones wait for the new thread. A new thread that registers
 * other function names than the first thread is stopped, and the restart fails.
 */
export class WorkerSupervisor {
  #worker: AppWorker;
  /** Resolves to the worker that takes invocations, or rejects when a restart failed. */
  #ready: Promise<AppWorker>;
  #restarting = false;
  #failed = false;
  #stopped = false;
  readonly #restarts: number[] = [];
  #restartCount = 0;
  /** Sorted function names of the first thread, which every restarted thread must register too. */
  readonly #functionNames: string[];
  readonly #failedListeners: ((error: Error) => void)[] = [];
  /** Workers ended on purpose by `recycle`, whose exit must not start a second restart. */
  readonly #recycled = new WeakSet<AppWorker>();
  readonly #options: AppWorkerOptions;
  readonly #log: Logger;

  private constructor(worker: AppWorker, options: AppWorkerOptions) {
    this.#worker = worker;
    this.#ready = Promise.resolve(worker);
    this.#options = options;
    this.#log = options.logger;
    this.#functionNames = functionNames(worker);
    this.#watch(worker);
  }

  static async start(options: AppWorkerOptions): Promise<WorkerSupervisor> {
    return new WorkerSupervisor(await AppWorker.start(options), options);
  }

  /** The latest worker thread, which may be restarting. */
  get worker(): AppWorker {
    return this.#worker;
  }

  /** Resolves to the worker thread to invoke, after a restart in progress has finished. */
  ready(): Promise<AppWorker> {
    return this.#ready;
  }

  /** True while a new thread is starting to replace one that ended. */
  get restarting(): boolean {
    return this.#restarting;
  }

  /** True once a restart failed or the crash-loop limit was reached: the supervisor no longer has a thread. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Restarts begun since the first thread started, including the one that failed. */
  get restartCount(): number {
    return this.#restartCount;
  }

  /** Registers a callback that runs when the supervisor gives up, with the error that invocations now get. */
  onFailed(listener: (error: Error) => void): void {
    this.#failedListeners.push(listener);
  }

  /**
   * Ends `worker` and starts a new one, for a function that ran past its timeout. Invocations made from now
   * on wait for the new thread; the ones in flight on `worker` fail.
   */
  recycle(worker: AppWorker, reason: string): void {
    if (this.#stopped || this.#restarting || this.#failed) return;
    if (worker !== this.#worker || this.#recycled.has(worker)) return;
    this.#recycled.add(worker);
    this.#beginRestart(worker.kill().then(() => this.#restart(reason)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const latest = await this.#ready.catch(() => this.#worker);
    await latest.stop();
  }

  #watch(worker: AppWorker): void {
    worker.onUnexpectedExit((code) => {
      if (this.#stopped || this.#recycled.has(worker)) return;
      this.#beginRestart(this.#restart(`exit code ${code}`));
    });
  }

  #beginRestart(restart: Promise<AppWorker>): void {
    this.#restarting = true;
    this.#ready = restart;
    restart.then(
      () => {
        this.#restarting = false;
      },
      (error: Error) => {
        this.#restarting = false;
        this.#failed = true;
        for (const listener of this.#failedListeners) listener(error);
      },
    );
  }

  async #restart(reason: string): Promise<AppWorker> {
    const now = Date.now();
    this.#restartCount++;
    this.#restarts.push(now);
    while (this.#restarts[0] < now - RESTART_WINDOW_MS) this.#restarts.shift();
    if (this.#restarts.length > MAX_RESTARTS) {
      this.#log.fatal({ reason, restarts: MAX_RESTARTS }, 'app worker keeps exiting; not restarting it');
      throw new WorkerError(`The app worker exited ${MAX_RESTARTS + 1} times within a minute; restart the host`);
    }

    this.#log.error({ reason }, 'app worker exited; restarting it');
    let next: AppWorker | undefined;
    try {
      next = await AppWorker.start(this.#options);
      const names = functionNames(next);
      if (names.join('\n') !== this.#functionNames.join('\n')) {
        await next.stop();
        const expected = this.#functionNames;
        this.#log.fatal({ expected, actual: names }, 'restarted app worker registered other functions; not using it');
        throw new OtherFunctionsError(
          `The restarted app worker registered the functions [${names.join(', ')}], but the host started with ` +
            `[${expected.join(', ')}]: every worker thread loads the app, so register functions unconditionally ` +
            'at load time',
        );
      }
      await next.runAppStartHooks();
    } catch (error) {
      if (error instanceof OtherFunctionsError) throw error;
      await next?.stop();
      this.#log.fatal({ err: error }, 'app worker restart failed');
      throw new WorkerError(`The app worker could not be restarted: ${(error as Error).message}`);
    }
    this.#worker = next;
    this.#watch(next);
    this.#log.info('app worker restarted');
    return next;
  }
}

/** Raised when a restarted thread registered other function names than the first thread. */
class OtherFunctionsError extends WorkerError {}

function functionNames(worker: AppWorker): string[] {
  return [...worker.functions.keys()].sort();
}
