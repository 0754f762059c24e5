import { HookRegistry } from './hooks';
import type { FunctionCallback, ProgrammingModel } from './programming-model';
import type { FunctionMetadata, LogCategory, LogLevel } from './protocol';

export interface RegisteredCallback {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

/** Sends one log record to the host, after the app's log hooks have seen it. */
export type LogSink = (
  level: LogLevel,
  category: LogCategory,
  message: string,
  invocation?: { functionName: string; invocationId: string; context?: unknown },
) => void;

/** Everything the worker thread keeps about the loaded app. */
export class WorkerState {
  readonly functions = new Map<string, RegisteredCallback>();
  readonly hooks = new HookRegistry();
  /** Shared by every hook of the app (`appHookData`). */
  readonly appHookData: Record<string, unknown> = {};
  /** `hookData` shared by the appStart and appTerminate hooks. */
  readonly appLevelHookData: Record<string, unknown> = {};
  programmingModel?: ProgrammingModel;
  /** Set once the entry files are loaded: registrations are rejected from then on. */
  registrationLocked = false;

  constructor(
    readonly appDir: string,
    readonly log: LogSink,
  ) {}
}
