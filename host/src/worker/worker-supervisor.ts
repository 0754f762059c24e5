import type { Logger } from 'pino';
import { AppWorker, AppWorkerOptions } from './app-worker';

/** Restarts allowed within `RESTART_WINDOW_MS` before the supervisor gives up, so a crash loop ends. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * Keeps the app's worker thread running: when the thread ends by itself, as a crashed language worker
 * process does under the Functions host, it loads the app again in a new thread and runs its appStart hooks.
 * Invocations in flight at the crash fail; later ones go to the new thread.
 */
export class WorkerSupervisor {
  #worker: AppWorker;
  #stopped = false;
  readonly #restarts: number[] = [];
  readonly #options: AppWorkerOptions;
  readonly #log: Logger;

  private constructor(worker: AppWorker, options: AppWorkerOptions) {
    this.#worker = worker;
    this.#options = options;
    this.#log = options.logger;
    this.#watch(worker);
  }

  static async start(options: AppWorkerOptions): Promise<WorkerSupervisor> {
    return new WorkerSupervisor(await AppWorker.start(options), options);
  }

  /** The current worker thread. */
  get worker(): AppWorker {
    return this.#worker;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#worker.stop();
  }

  #watch(worker: AppWorker): void {
    worker.onUnexpectedExit((code) => void this.#restart(code));
  }

  async #restart(code: number): Promise<void> {
    if (this.#stopped) return;
    const now = Date.now();
    this.#restarts.push(now);
    while (this.#restarts[0] < now - RESTART_WINDOW_MS) this.#restarts.shift();
    if (this.#restarts.length > MAX_RESTARTS) {
      this.#log.fatal({ exitCode: code, restarts: MAX_RESTARTS }, 'app worker keeps exiting; not restarting it');
      return;
    }

    this.#log.error({ exitCode: code }, 'app worker exited; restarting it');
    try {
      const next = await AppWorker.start(this.#options);
      if (this.#stopped) {
        await next.stop();
        return;
      }
      await next.runAppStartHooks();
      this.#worker = next;
      this.#watch(next);
      this.#log.info('app worker restarted');
    } catch (error) {
      this.#log.fatal({ err: error }, 'app worker restart failed');
    }
  }
}
