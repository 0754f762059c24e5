import { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ConflictError, NotFoundError } from '../errors';
import { InvalidInputError } from '../pipeline/errors';
import { LogEvent } from '../telemetry/names';
import { logEvent } from '../telemetry/log';

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'Content-Type': 'application/json' } };
}

/** Maps an error to a JSON response: 400 invalid input, 404 not found, 409 conflict; anything else is rethrown. */
export function errorResponse(error: unknown, context: InvocationContext, batchId?: string): HttpResponseInit {
  let status: number;
  let body: Record<string, unknown>;
  if (error instanceof InvalidInputError) {
    status = 400;
    body = { error: error.message, field: error.field, value: error.value };
  } else if (error instanceof NotFoundError) {
    status = 404;
    body = { error: error.message };
  } else if (error instanceof ConflictError) {
    status = 409;
    body = { error: error.message };
  } else {
    throw error;
  }
  logEvent(context, 'warn', LogEvent.apiRequestRejected, {
    functionName: context.functionName,
    batchId,
    status,
    error: String(body.error),
  });
  return json(status, body);
}
