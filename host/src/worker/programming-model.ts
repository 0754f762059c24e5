/** The parts of the `@azure/functions-core` contract the worker calls on the app's programming model. */
import type { RpcTypedData } from '../contracts';
import type { LogCategory, LogLevel } from './protocol';

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface CoreInvocationContext {
  invocationId: string;
  request: Record<string, unknown>;
  metadata: { name: string; bindings: Record<string, unknown> };
  state?: 'preInvocationHooks' | 'invocation' | 'postInvocationHooks';
  log(level: LogLevel, category: LogCategory, message: string): void;
}

export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

export interface RpcInvocationResponse {
  invocationId?: string;
  outputData?: { name?: string; data?: RpcTypedData | null }[];
  returnValue?: RpcTypedData | null;
}

export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel | Promise<InvocationModel>;
  getCapabilities(capabilities: Record<string, string>): Record<string, string> | Promise<Record<string, string>>;
}
