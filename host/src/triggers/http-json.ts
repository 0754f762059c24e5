import type { HostHttpResponse } from '../contracts';

/** A JSON error response: `{ "error": message }` plus any extra fields. */
export function jsonError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HostHttpResponse {
  return jsonResponse(status, { error: message, ...extra }, headers);
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HostHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}
