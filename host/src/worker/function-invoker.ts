import { randomUUID } from 'node:crypto';
import type {
  FunctionInvoker,
  InputBindingProvider,
  InvocationRequest,
  InvocationResult,
  RegisteredFunction,
} from '../contracts';
import type { AppWorker } from './app-worker';
import { FunctionNotFoundError } from './invocation';
import type { InvokeParams } from './protocol';

/**
 * Invokes the app's functions with RPC-shaped requests: the trigger entry from the request, plus one entry for
 * every other input binding whose type has a registered provider (for example `durableClient`).
 */
export class WorkerFunctionInvoker implements FunctionInvoker {
  readonly #worker: AppWorker;
  readonly #providers = new Map<string, InputBindingProvider>();

  constructor(worker: AppWorker) {
    this.#worker = worker;
  }

  get functions(): ReadonlyMap<string, RegisteredFunction> {
    return this.#worker.functions;
  }

  /** Registers the provider of input bindings of `bindingType` (compared case-insensitively). */
  registerInputBinding(bindingType: string, provider: InputBindingProvider): void {
    this.#providers.set(bindingType.toLowerCase(), provider);
  }

  async invoke(functionName: string, request: InvocationRequest): Promise<InvocationResult> {
    const fn = this.#worker.functions.get(functionName);
    if (!fn) throw new FunctionNotFoundError(`Function "${functionName}" is not registered by the app`);

    const params: InvokeParams = {
      functionName,
      invocationId: randomUUID(),
      inputData: [{ name: fn.triggerBindingName, data: request.trigger }, ...this.#extraInputs(fn)],
      triggerMetadata: request.triggerMetadata,
      retryContext: request.retryContext,
    };
    return this.#worker.invoke(params);
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
