/**
 * Messages between the host (main thread) and the worker thread that loads the app. They carry only
 * structured-clone data, like the gRPC messages between the Functions host and a language worker.
 */
import type { BindingInfo, InvocationResult, RpcTypedData } from '../contracts';

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type LogCategory = 'user' | 'system' | 'customMetric';

/** Start data of the worker thread (`workerData`). */
export interface WorkerStartData {
  appDir: string;
}

/** Function metadata as `@azure/functions` passes it to `registerFunction`. */
export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingInfo>;
  retryOptions?: unknown;
}

export interface InvokeParams {
  functionName: string;
  invocationId: string;
  inputData: { name: string; data?: RpcTypedData }[];
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

/** Requests from the host; the worker sends one `reply` with the same `id` for each. */
export type HostToWorker =
  | { type: 'invoke'; id: number; params: InvokeParams }
  | { type: 'appStart'; id: number }
  | { type: 'appTerminate'; id: number };

export type ReplyValue = InvocationResult | null;

export type WorkerToHost =
  | { type: 'loaded'; functions: FunctionMetadata[] }
  | { type: 'loadFailed'; error: SerializedError }
  | { type: 'reply'; id: number; value?: ReplyValue; error?: SerializedError }
  | {
      type: 'log';
      level: LogLevel;
      category: LogCategory;
      message: string;
      functionName?: string;
      invocationId?: string;
    };

export interface SerializedError {
  name?: string;
  message: string;
  stack?: string;
}
