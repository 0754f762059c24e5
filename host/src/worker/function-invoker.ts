import { randomUUID } from 'node:crypto';
import type {
  BindingInfo,
  FunctionInvoker,
  InputBindingProvider,
  InvocationRequest,
  InvocationResult,
  RegisteredFunction,
  RpcTypedData,
} from '../contracts';
import type { Logger } from 'pino';
import type { AppWorker } from './app-worker';
import { FunctionNotFoundError } from './invocation';
import type { InvokeParams } from './protocol';

/** The app's worker threads: their registered functions, and the choice of a thread per invocation. */
export interface WorkerSource {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  /** Runs `call` with a worker thread that is ready to invoke, and counts the call in flight on that thread. */
  run<T>(call: (worker: AppWorker) => Promise<T>): Promise<T>;
  /** Replaces `worker` with a new thread, for example after a function timed out on it. */
  recycle(worker: AppWorker, reason: string): void;
}

/** Writes the value a function set for one output binding, for example a storage queue message. */
export type OutputBindingWriter = (
  fn: RegisteredFunction,
  bindingName: string,
  binding: BindingInfo,
  data: RpcTypedData,
) => Promise<void>;

/**
 * Invokes the app's functions with RPC-shaped requests: the trigger entry from the request, plus one entry for
 * every other input binding whose type has a registered provider (for example `durableClient`). After a
 * successful invocation it writes the output values of binding types with a registered writer. A failed write
 * fails the invocation, as a failed output binding does in the Functions host.
 */
export class WorkerFunctionInvoker implements FunctionInvoker {
  readonly #source: WorkerSource;
  readonly #providers = new Map<string, InputBindingProvider>();
  readonly #writers = new Map<string, OutputBindingWriter>();
  readonly #timeoutMs?: number;
  readonly #logger?: Logger;

  /**
   * Asks `source` for a worker thread on every call, so invocations follow a restarted thread. With `timeoutMs`, an
   * invocation that runs longer fails and its worker thread is ended, as the Functions host restarts the
   * language worker, because a running JavaScript function cannot be stopped otherwise.
   */
  constructor(source: WorkerSource, options: { timeoutMs?: number; logger?: Logger } = {}) {
    this.#source = source;
    this.#timeoutMs = options.timeoutMs;
    this.#logger = options.logger;
  }

  get functions(): ReadonlyMap<string, RegisteredFunction> {
    return this.#source.functions;
  }

  /** Registers the provider of input bindings of `bindingType` (compared case-insensitively). */
  registerInputBinding(bindingType: string, provider: InputBindingProvider): void {
    this.#providers.set(bindingType.toLowerCase(), provider);
  }

  /** Registers the writer of output bindings of `bindingType` (compared case-insensitively). */
  registerOutputBinding(bindingType: string, writer: OutputBindingWriter): void {
    this.#writers.set(bindingType.toLowerCase(), writer);
  }

  async invoke(functionName: string, request: InvocationRequest): Promise<InvocationResult> {
    const fn = this.functions.get(functionName);
    if (!fn) throw new FunctionNotFoundError(`Function "${functionName}" is not registered by the app`);

    const params: InvokeParams = {
      functionName,
      invocationId: randomUUID(),
      inputData: [{ name: fn.triggerBindingName, data: request.trigger }, ...this.#extraInputs(fn)],
      triggerMetadata: request.triggerMetadata,
      retryContext: request.retryContext,
    };
    const result = await this.#source.run((worker) => this.#invokeWithTimeout(worker, params));
    if (!result.error) await this.#writeOutputs(fn, result);
    return result;
  }

  #invokeWithTimeout(worker: AppWorker, params: InvokeParams): Promise<InvocationResult> {
    const invocation = worker.invoke(params);
    const timeoutMs = this.#timeoutMs;
    if (timeoutMs === undefined) return invocation;

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<InvocationResult>((resolve) => {
      timer = setTimeout(() => {
        const message = `Timeout value of ${timeoutMs} ms exceeded by function "${params.functionName}" (id ${params.invocationId})`;
        this.#logger?.error(
          { functionName: params.functionName, invocationId: params.invocationId, timeoutMs },
          'function timed out; restarting the app worker',
        );
        invocation.catch(() => undefined);
        this.#source.recycle(worker, `function "${params.functionName}" timed out`);
        resolve({ invocationId: params.invocationId, outputData: {}, error: { message } });
      }, timeoutMs);
    });
    return Promise.race([invocation, timeout]).finally(() => clearTimeout(timer));
  }

  async #writeOutputs(fn: RegisteredFunction, result: InvocationResult): Promise<void> {
    for (const [bindingName, data] of Object.entries(result.outputData)) {
      const binding = fn.bindings[bindingName];
      const writer = binding && this.#writers.get(binding.type.toLowerCase());
      if (!writer) continue;
      try {
        await writer(fn, bindingName, binding, data);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        result.error = {
          message: `Writing output binding "${bindingName}" of function "${fn.name}" failed: ${reason}`,
          stack: error instanceof Error ? error.stack : undefined,
        };
        return;
      }
    }
  }

  #extraInputs(fn: RegisteredFunction): InvokeParams['inputData'] {
    const inputs: InvokeParams['inputData'] = [];
    for (const [bindingName, binding] of Object.entries(fn.bindings)) {
      if (bindingName === fn.triggerBindingName || binding.direction !== 'in') continue;
      const provider = this.#providers.get(binding.type.toLowerCase());
      if (provider) inputs.push({ name: bindingName, data: provider(fn, bindingName) });
    }
    return inputs;
  }
}
