import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { InvocationResult, RegisteredFunction } from '../contracts';
import { AppLoadError } from './app-loader';
import type {
  FunctionMetadata,
  HostToWorker,
  InvokeParams,
  ReplyValue,
  SerializedError,
  WorkerToHost,
} from './protocol';
import { freshCompiledFile, typescriptBootstrap } from './typescript-bootstrap';
import { logFromWorker } from './worker-log';

export interface AppWorkerOptions {
  appDir: string;
  /** Environment of the app: the merged app settings plus host variables such as `WEBSITE_HOSTNAME`. */
  env: Record<string, string>;
  logger: Logger;
}

type PendingReply = { resolve: (value: ReplyValue) => void; reject: (error: Error) => void };

/** Raised when a request to the worker thread fails outside the app's own code. */
export class WorkerError extends Error {
  override name = 'WorkerError';
}

/** The host side of the worker thread that runs the app. */
export class AppWorker {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, PendingReply>();
  #nextId = 1;
  #exited = false;
  #stopping = false;
  #exitListeners: ((code: number) => void)[] = [];

  private constructor(worker: Worker, functions: FunctionMetadata[], logger: Logger) {
    this.#worker = worker;
    this.functions = new Map(functions.map((metadata) => [metadata.name, toRegisteredFunction(metadata)]));
    worker.on('message', (message: WorkerToHost) => this.#onMessage(message, logger));
    worker.on('error', (error) => logger.error({ err: error }, 'worker thread failed'));
    worker.on('exit', (code) => this.#onExit(code));
  }

  /** Starts the worker thread and resolves once the app's entry files are loaded. */
  static start(options: AppWorkerOptions): Promise<AppWorker> {
    const entry = workerEntry();
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: { appDir: options.appDir },
      env: options.env,
    });
    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerToHost) => {
        if (message.type === 'log') logFromWorker(options.logger, message);
        else if (message.type === 'loadFailed') {
          cleanup();
          void worker.terminate();
          reject(new AppLoadError(message.error.message));
        } else if (message.type === 'loaded') {
          cleanup();
          try {
            resolve(new AppWorker(worker, message.functions, options.logger));
          } catch (error) {
            void worker.terminate();
            reject(error);
          }
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new AppLoadError(`The app's worker thread failed while loading: ${error.stack ?? error.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new AppLoadError(`The app's worker thread exited with code ${code} while loading`));
      };
      const cleanup = () => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }

  async invoke(params: InvokeParams): Promise<InvocationResult> {
    return (await this.#request({ type: 'invoke', params })) as InvocationResult;
  }

  async runAppStartHooks(): Promise<void> {
    await this.#request({ type: 'appStart' });
  }

  async runAppTerminateHooks(): Promise<void> {
    await this.#request({ type: 'appTerminate' });
  }

  /** Registers a callback for the thread ending by itself (a crash or `process.exit` in the app), not by `stop()`. */
  onUnexpectedExit(listener: (code: number) => void): void {
    this.#exitListeners.push(listener);
  }

  /** Ends the thread as a crash would, so a supervisor restarts it; used to stop a function that timed out. */
  async kill(): Promise<void> {
    if (!this.#exited) await this.#worker.terminate();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (!this.#exited) await this.#worker.terminate();
  }

  #request(message: DistributiveOmit<HostToWorker, 'id'>): Promise<ReplyValue> {
    if (this.#exited) return Promise.reject(new WorkerError('The app worker has stopped'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id } as HostToWorker);
    });
  }

  #onMessage(message: WorkerToHost, logger: Logger): void {
    if (message.type === 'log') {
      logFromWorker(logger, message);
      return;
    }
    if (message.type !== 'reply') return;
    const pending = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    if (!pending) return;
    if (message.error) pending.reject(toWorkerError(message.error));
    else pending.resolve(message.value ?? null);
  }

  #onExit(code: number): void {
    this.#exited = true;
    for (const pending of this.#pending.values()) {
      pending.reject(new WorkerError(`The app worker stopped (exit code ${code}) before it replied`));
    }
    this.#pending.clear();
    if (!this.#stopping) this.#exitListeners.forEach((listener) => listener(code));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function toWorkerError(error: SerializedError): Error {
  const result = new WorkerError(error.message);
  if (error.name) result.name = error.name;
  if (error.stack) result.stack = error.stack;
  return result;
}

function toRegisteredFunction(metadata: FunctionMetadata): RegisteredFunction {
  const entry = Object.entries(metadata.bindings).find(([, binding]) => /trigger$/i.test(binding.type));
  if (!entry) throw new AppLoadError(`Function "${metadata.name}" has no trigger binding`);
  return { name: metadata.name, triggerBindingName: entry[0], trigger: entry[1], bindings: metadata.bindings };
}

/**
 * Returns how to start the worker thread. Compiled, its entry sits next to this file. Run from the TypeScript
 * sources (ts-jest), it uses a fresh build when there is one and otherwise compiles the sources as it loads them.
 */
function workerEntry(): { script: string; eval: boolean } {
  if (!__filename.endsWith('.ts')) return { script: path.join(__dirname, 'thread.js'), eval: false };

  const source = path.join(__dirname, 'thread.ts');
  // The thread imports only modules of this folder at run time (contracts.ts contains only types).
  const compiled = freshCompiledFile(source, __dirname);
  if (compiled) return { script: compiled, eval: false };
  return { script: typescriptBootstrap(source), eval: true };
}
