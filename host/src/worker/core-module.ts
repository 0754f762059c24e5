import { Disposable } from './disposable';
import type { HookCallback } from './hooks';
import type { FunctionCallback, ProgrammingModel } from './programming-model';
import type { FunctionMetadata, LogCategory, LogLevel } from './protocol';
import type { WorkerState } from './worker-state';

/** Functions host version reported to the app; the host implements the v4 contract. */
export const HOST_VERSION = '4.1037.0';
export const WORKER_VERSION = '3.12.0';

/** Raised when the app registers a function or hook in a way the worker rejects. */
export class RegistrationError extends Error {
  override name = 'RegistrationError';
  isAzureFunctionsSystemError = true;
}

/** Builds the object that `require('@azure/functions-core')` returns inside the worker. */
export function createCoreModule(state: WorkerState): Record<string, unknown> {
  return {
    version: WORKER_VERSION,
    get hostVersion() {
      return HOST_VERSION;
    },
    Disposable,
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
      registerFunction(state, metadata, callback),
    setProgrammingModel: (model: ProgrammingModel) => {
      state.programmingModel = model;
    },
    getProgrammingModel: () => state.programmingModel,
    registerHook: (name: string, callback: HookCallback) => state.hooks.register(name, callback),
    log: (level: LogLevel, category: LogCategory, message: string) => state.log(level, category, message),
  };
}

function registerFunction(state: WorkerState, metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  const id = (metadata as { functionId?: string }).functionId ?? metadata.name;
  if (state.registrationLocked) {
    throw new RegistrationError(`A function can only be registered while the app loads; "${id}" came later`);
  }
  if (state.functions.has(id)) {
    throw new RegistrationError(`A function with the name "${id}" has already been registered`);
  }

  state.functions.set(id, { metadata, callback });
  return new Disposable(() => {
    if (state.registrationLocked) {
      throw new RegistrationError(`A function can only be disposed of while the app loads; "${id}" came later`);
    }
    state.functions.delete(id);
  });
}
