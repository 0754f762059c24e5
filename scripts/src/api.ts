import { CliError, describeError } from './errors';

export interface ApiOptions {
  /** Origin of the Function App, for example `http://127.0.0.1:7071` or `https://<app>.azurewebsites.net`. */
  url: string;
  /** Function key sent as `x-functions-key`; not needed locally. */
  key?: string;
  /** Source of `url` as a phrase for error messages, for example `the URL from --url`. */
  origin?: string;
}

/** The Durable management payload that `createCheckStatusResponse` returns with HTTP 202. */
export interface CheckStatusPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
  [url: string]: string;
}

/** The counters the orchestrator publishes as its custom status. */
export interface BatchProgress {
  phase?: string;
  done?: number;
  failed?: number;
  total?: number;
  chunks?: number;
  rows?: number;
}

/** Response body of `GET /api/batches/{batchId}`: the orchestration status of the batch's latest run. */
export interface BatchView {
  batchId: string;
  instanceId: string;
  /** Durable runtime status: Pending, Running, Completed, Failed, Terminated, ... */
  runtimeStatus: string;
  runId?: string;
  mode?: string;
  /** ETag of the `_manifest.json` that started this run, without quotes. */
  manifestEtag?: string;
  createdTime?: string;
  lastUpdatedTime?: string;
  progress: BatchProgress | null;
  /** `completed` or `failed` once the run ended; a Completed orchestration can report a failed batch. */
  status?: string;
  error?: unknown;
  result?: { container: string; summary: string; csv: string; failed: string };
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Milliseconds a request may take. Status reads get longer, because a busy host responds to them late. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const STATUS_TIMEOUT_MS = 90_000;

/** A request that timed out after the Function App accepted the connection, so the app runs but is busy. */
export class ApiTimeoutError extends CliError {
  override name = 'ApiTimeoutError';
}

/** A 404 response that did not come from the batch API: the URL reaches a server that does not serve the API. */
export class ApiNotFoundError extends CliError {
  override name = 'ApiNotFoundError';
}

/**
 * Returns true for a 404 body that the batch API wrote: a JSON object with an `error` message. The host's response
 * for a route that no function serves has that shape too, so its message distinguishes it.
 */
export function isBatchApiNotFound(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'string' && !error.startsWith('No function or API is served');
}

/** Builds the error for a 404 from a server that is not the batch API, naming the URL and its source. */
export function noApiError(options: ApiOptions, method: string, url: string, body: unknown): ApiNotFoundError {
  const origin = options.origin ? `, ${options.origin},` : '';
  return new ApiNotFoundError(
    `no Function App API at ${options.url}${origin} (${method} ${new URL(url).pathname} returned HTTP 404: ` +
      `${errorMessage(body)}): check --url, FANOUT_URL or the apiUrl in stack.json`,
  );
}

/** A request that failed before the Function App accepted it, such as a refused connection. */
export class ApiUnreachableError extends CliError {
  override name = 'ApiUnreachableError';
}

/** Sends one request to the Function App and returns the status and parsed JSON body (or text). */
export async function requestJson(
  options: ApiOptions,
  method: string,
  url: string,
  body?: unknown,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.key) headers['x-functions-key'] = options.key;
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const origin = options.origin ? `, ${options.origin}` : '';
    if ((error as Error).name === 'TimeoutError') {
      throw new ApiTimeoutError(
        `${method} ${new URL(url).pathname} timed out: the server at ${options.url}${origin} accepted the ` +
          `connection but did not respond within ${timeoutMs / 1000} s; if it is the Function App, it is busy, so ` +
          'retry the command later',
      );
    }
    throw new ApiUnreachableError(
      `cannot reach the Function App at ${options.url}${origin} (${describeError(error)}): ` +
        "start it with 'npm start', or pass --url or set FANOUT_URL",
    );
  }

  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new CliError(
      `${method} ${url} was rejected with HTTP ${response.status}: pass a function key with --key or FANOUT_KEY`,
    );
  }
  return { status: response.status, body: parseBody(text) };
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Extracts the error message from a JSON error body (`{error: {message}}`, `{error}`, `{message}`), or the raw text. */
export function errorMessage(body: unknown): string {
  if (typeof body === 'string') return body.split('\n')[0].slice(0, 300);
  if (typeof body !== 'object' || body === null) return 'no details in the response';
  const record = body as { error?: unknown; message?: unknown };
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error === 'string') return record.error;
  if (typeof record.error === 'object' && record.error !== null) return errorMessage(record.error);
  return JSON.stringify(body).slice(0, 300);
}

/** A request that must succeed: any status outside 200-299 becomes a CliError naming the status and the reason. */
export async function expectSuccess(
  options: ApiOptions,
  method: string,
  url: string,
  body?: unknown,
): Promise<unknown> {
  const response = await requestJson(options, method, url, body);
  if (response.status < 200 || response.status > 299) {
    throw new CliError(`${method} ${url} failed with HTTP ${response.status}: ${errorMessage(response.body)}`);
  }
  return response.body;
}
