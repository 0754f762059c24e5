import type { HostHttpResponse, InvocationResult, RegisteredFunction, RpcTypedData } from '../contracts';

/** `RpcHttpCookie` as `@azure/functions` sends it: nullable fields wrap their value in `{ value }`. */
interface RpcHttpCookie {
  name?: string;
  value?: string;
  domain?: { value?: string };
  path?: { value?: string };
  expires?: { value?: { seconds?: number | string } };
  secure?: { value?: boolean };
  httpOnly?: { value?: boolean };
  sameSite?: string;
  maxAge?: { value?: number };
}

const SAME_SITE: Record<string, string | undefined> = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' };

/**
 * Builds the HTTP response from the function's HTTP output binding (`$return` or a named `http` output).
 * No output gives 204, as the Functions host returns when an HTTP function returns nothing.
 */
export function toHostResponse(fn: RegisteredFunction, result: InvocationResult): HostHttpResponse {
  const http = httpOutput(fn, result)?.http;
  if (!http) return { status: 204 };

  const headers: Record<string, string> = { ...http.headers };
  const body = toBody(http.body);
  return {
    status: http.statusCode ? Number(http.statusCode) : 200,
    headers,
    setCookies: (http.cookies ?? []).map((cookie) => serializeCookie(cookie as RpcHttpCookie)),
    body,
  };
}

function httpOutput(fn: RegisteredFunction, result: InvocationResult): RpcTypedData | undefined {
  const returnBinding = fn.bindings.$return;
  if (returnBinding?.type.toLowerCase() === 'http') return result.outputData.$return ?? result.returnValue;
  const named = Object.entries(fn.bindings).find(
    ([, binding]) => binding.direction === 'out' && binding.type.toLowerCase() === 'http',
  );
  return named ? result.outputData[named[0]] : undefined;
}

function toBody(body: RpcTypedData | undefined): Buffer | string | undefined {
  if (!body) return undefined;
  if (body.bytes) return Buffer.from(body.bytes);
  if (body.stream) return Buffer.from(body.stream);
  if (body.string !== undefined) return body.string;
  if (body.json !== undefined) return body.json;
  return undefined;
}

/** Formats one cookie as a `Set-Cookie` value (RFC 6265). */
export function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (seconds !== undefined) parts.push(`Expires=${new Date(Number(seconds) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = SAME_SITE[cookie.sameSite ?? ''];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}
