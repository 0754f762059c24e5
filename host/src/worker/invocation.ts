import type { InvocationResult, RpcTypedData } from '../contracts';
import { toSerializedError } from './error-info';
import type { CoreInvocationContext, InvocationModel, RpcInvocationResponse } from './programming-model';
import type { InvokeParams } from './protocol';
import type { RegisteredCallback, WorkerState } from './worker-state';

/** The function is not registered by the app. */
export class FunctionNotFoundError extends Error {
  override name = 'FunctionNotFoundError';
}

/**
 * Runs one invocation through the app's programming model as the Node worker does: invocation model,
 * arguments, preInvocation hooks, the function, postInvocation hooks, then the response. A failure at any
 * step becomes `error` in the result.
 */
export async function invokeFunction(state: WorkerState, params: InvokeParams): Promise<InvocationResult> {
  const registered = state.functions.get(params.functionName);
  if (!registered) {
    throw new FunctionNotFoundError(`Function "${params.functionName}" is not registered by the app`);
  }
  if (!state.programmingModel) {
    throw new FunctionNotFoundError('The app registered functions without a programming model');
  }

  const invocation = {
    functionName: params.functionName,
    invocationId: params.invocationId,
    context: undefined as unknown,
  };
  const coreCtx: CoreInvocationContext = {
    invocationId: params.invocationId,
    request: {
      invocationId: params.invocationId,
      functionId: params.functionName,
      inputData: params.inputData,
      triggerMetadata: params.triggerMetadata ?? {},
      retryContext: params.retryContext,
    },
    metadata: { name: registered.metadata.name, bindings: registered.metadata.bindings },
    log: (level, category, message) => state.log(level, category, message, invocation),
  };

  try {
    const model = await state.programmingModel.getInvocationModel(coreCtx);
    const response = await runPipeline(state, registered, coreCtx, model, (context) => {
      invocation.context = context;
    });
    return toInvocationResult(params.invocationId, registered, response);
  } catch (error) {
    return { invocationId: params.invocationId, outputData: {}, error: toSerializedError(error) };
  }
}

async function runPipeline(
  state: WorkerState,
  registered: RegisteredCallback,
  coreCtx: CoreInvocationContext,
  model: InvocationModel,
  onContext: (context: unknown) => void,
): Promise<RpcInvocationResponse> {
  const { context, inputs } = await model.getArguments();
  onContext(context);
  const hookData: Record<string, unknown> = {};

  coreCtx.state = 'preInvocationHooks';
  const pre = {
    hookData,
    appHookData: state.appHookData,
    invocationContext: context,
    inputs,
    functionCallback: registered.callback,
  };
  await state.hooks.run('preInvocation', pre);

  coreCtx.state = 'invocation';
  let result: unknown;
  let error: unknown;
  try {
    result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (thrown) {
    error = thrown;
  }

  coreCtx.state = 'postInvocationHooks';
  const post = {
    hookData,
    appHookData: state.appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result,
    error,
  };
  await state.hooks.run('postInvocation', post);
  coreCtx.state = undefined;

  if (post.error !== undefined && post.error !== null) throw post.error;
  return model.getResponse(context, post.result);
}

function toInvocationResult(
  invocationId: string,
  registered: RegisteredCallback,
  response: RpcInvocationResponse,
): InvocationResult {
  const outputData: Record<string, RpcTypedData> = {};
  for (const output of response.outputData ?? []) {
    if (output.name && output.data !== undefined && output.data !== null) outputData[output.name] = output.data;
  }

  const returnValue = response.returnValue ?? undefined;
  if ('$return' in registered.metadata.bindings && returnValue !== undefined) outputData.$return = returnValue;
  return { invocationId, returnValue, outputData };
}
