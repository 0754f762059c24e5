import type { HostHttpResponse } from '../../contracts';
import { jsonError } from '../../triggers/http-json';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HostHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Builds an error response in the host's shape, `{ "error": message }`, which its own 404, 405 and 413 responses use.
 * The body also keeps `Message` and `ExceptionMessage` of the extension's ASP.NET `HttpError`.
 */
export function errorResponse(
  status: number,
  summary: string,
  message: string,
  headers: Record<string, string> = {},
): HostHttpResponse {
  return jsonError(status, message, { Message: summary, ExceptionMessage: message }, headers);
}

/** Maps the engine's error categories to status codes; anything else is a 500. */
export function responseForError(error: unknown): HostHttpResponse {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof BadRequestError) {
    return errorResponse(400, 'One or more of the arguments submitted is incorrect', message);
  }
  if (error instanceof NotFoundError) {
    return errorResponse(404, 'Not found', message);
  }
  if (error instanceof ConflictError) {
    return errorResponse(error.status, 'The request conflicts with the state of the instance', message);
  }
  return errorResponse(500, 'Something went wrong while processing your request', message);
}
