import type { HttpRequestJson } from './actions';
import { failureDetailsFromMessage, resultJson, truncateUtf8 } from './activity-result';
import type { EngineContext } from './engine-context';
import { events } from './events';
import type { ActivityCompletion, ActivityRow } from './store';

export const httpActivityName = 'BuiltIn::HttpActivity';

interface ActivityFailure {
  message: string;
  stack?: string;
}

function failure(ctx: EngineContext, row: ActivityRow, error: ActivityFailure): ActivityCompletion {
  const limit = ctx.settings.maxErrorMessageBytes;
  const message = truncateUtf8(error.message, limit);
  const reason = truncateUtf8(`Activity function '${row.name}' failed: ${error.message}`, limit);
  const details = JSON.stringify({
    Message: message,
    StackTrace: error.stack ? truncateUtf8(error.stack, limit) : null,
  });
  const now = Date.now();
  const event = events.taskFailed(now, row.task_id, reason, details, failureDetailsFromMessage(error.message));
  return {
    activityId: row.id,
    functionName: row.name,
    instanceId: row.instance_id,
    executionId: row.execution_id,
    failed: true,
    failureReason: reason,
    event: JSON.stringify(event),
    completedAt: now,
  };
}

function success(ctx: EngineContext, row: ActivityRow, result: string): ActivityCompletion {
  const size = Buffer.byteLength(result);
  if (size > ctx.settings.maxActivityOutputBytes) {
    return failure(ctx, row, {
      message:
        `the activity output is ${size} bytes, above the limit of ${ctx.settings.maxActivityOutputBytes} bytes ` +
        '(extensions.durableTask.maxActivityOutputBytes). Store large data in a blob and return a reference to it.',
    });
  }
  const now = Date.now();
  return {
    activityId: row.id,
    functionName: row.name,
    instanceId: row.instance_id,
    executionId: row.execution_id,
    failed: false,
    failureReason: null,
    event: JSON.stringify(events.taskCompleted(now, row.task_id, result)),
    completedAt: now,
  };
}

/** Runs one activity work item through the invoker and returns its result as a completion to commit. */
export async function runActivity(ctx: EngineContext, row: ActivityRow): Promise<ActivityCompletion> {
  try {
    if (row.name === httpActivityName) {
      return success(ctx, row, await runHttpRequest(JSON.parse(row.input ?? '{}') as HttpRequestJson));
    }
    const name = ctx.catalog.resolve('activity', row.name);
    if (!name) {
      return failure(ctx, row, { message: ctx.catalog.unknownMessage('activity', row.name) });
    }
    const result = await ctx.invoker.invoke(name, {
      trigger: row.input === null ? undefined : { string: row.input },
      triggerMetadata: {
        instanceId: { string: row.instance_id },
        ...(row.input === null ? {} : { data: { string: row.input } }),
      },
    });
    return result.error ? failure(ctx, row, result.error) : success(ctx, row, resultJson(result.returnValue));
  } catch (error) {
    const err = error as Error;
    return failure(ctx, row, { message: err?.message ?? String(error), stack: err?.stack });
  }
}

/** Sends a `callHttp` request and returns the DurableHttpResponse JSON the SDK expects. */
async function runHttpRequest(request: HttpRequestJson): Promise<string> {
  if (request.tokenSource) {
    throw new Error('callHttp with a managed identity token source is not supported by the local host');
  }
  const response = await fetch(request.uri, {
    method: request.method,
    headers: request.headers,
    body: request.content,
    redirect: 'manual',
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const content = await response.text();
  return JSON.stringify({ statusCode: response.status, headers, content });
}
