import {
  ApiOptions,
  CheckStatusPayload,
  errorMessage,
  BatchView,
  isBatchApiNotFound,
  noApiError,
  requestJson,
  STATUS_TIMEOUT_MS,
} from './api';
import { CliError, HttpStatusError } from './errors';
import { quotedCliCommand } from './stack-options';

/** Terminal Durable runtime statuses: a batch in one of these will not change without a redrive. */
export const FINAL_STATUSES = ['Completed', 'Failed', 'Terminated', 'Canceled'] as const;

/** Runtime statuses of a run that has not ended; the app ignores a manifest uploaded while the batch has one. */
export const ACTIVE_STATUSES = ['Pending', 'Running'] as const;

function batchUrl(options: ApiOptions, batchId: string, action = ''): string {
  return `${options.url.replace(/\/+$/, '')}/api/batches/${encodeURIComponent(batchId)}${action}`;
}

function notFound(options: ApiOptions, batchId: string): CliError {
  return new CliError(
    `batch '${batchId}' has no run at ${options.url}: its history was purged or it never started; ` +
      `start a new run on its uploaded input with ${quotedCliCommand(['start', batchId])}, or upload it with ` +
      quotedCliCommand(['upload', 'DIR', '--batch', batchId]),
  );
}

/** Starts the batch through `POST /api/batches/{batchId}`; returns the Durable management payload. */
export async function startBatch(options: ApiOptions, batchId: string): Promise<CheckStatusPayload> {
  const url = batchUrl(options, batchId);
  const response = await requestJson(options, 'POST', url);
  if (response.status === 404 && !isBatchApiNotFound(response.body))
    throw noApiError(options, 'POST', url, response.body);
  if (response.status === 404) {
    throw new CliError(
      `batch '${batchId}' not found at ${options.url}: ${errorMessage(response.body)}; upload it with ` +
        quotedCliCommand(['upload', 'DIR', '--batch', batchId]),
    );
  }
  if (response.status !== 202 && response.status !== 200) {
    throw new CliError(
      `starting batch '${batchId}' failed with HTTP ${response.status}: ${apiMessage(response.body, batchId)}`,
    );
  }
  return response.body as CheckStatusPayload;
}

/**
 * Returns the API's error message with the CLI commands in place of the HTTP routes it names, such as
 * `'npm run cli -- terminate b1'` for `POST /api/batches/b1/terminate`, because the CLI's user runs commands.
 */
export function apiMessage(body: unknown, batchId: string): string {
  const route = `/api/batches/${batchId}`;
  return errorMessage(body)
    .replace(
      'wait for it to finish or terminate it with',
      `wait for it with ${quotedCliCommand(['wait', batchId])} or stop it with`,
    )
    .split(`POST ${route}/terminate`)
    .join(quotedCliCommand(['terminate', batchId]))
    .split(`POST ${route}/redrive`)
    .join(quotedCliCommand(['redrive', batchId]))
    .split(`POST ${route}`)
    .join(quotedCliCommand(['start', batchId]))
    .replace('start it with POST first', `start it with ${quotedCliCommand(['start', batchId])}`);
}

/** Sends a batch command to the API; a status outside 200-299 is a CliError with the API's reason in CLI words. */
async function sendBatchCommand(
  options: ApiOptions,
  batchId: string,
  command: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<unknown> {
  const response = await requestJson(options, method, url, body);
  if (response.status === 404 && !isBatchApiNotFound(response.body))
    throw noApiError(options, method, url, response.body);
  if (response.status < 200 || response.status > 299) {
    throw new CliError(
      `${command} of batch '${batchId}' failed with HTTP ${response.status}: ${apiMessage(response.body, batchId)}`,
    );
  }
  return response.body;
}

/** Reads the batch's status; undefined when the batch has no run yet (HTTP 404). */
export async function getBatchStatus(
  options: ApiOptions,
  batchId: string,
  timeoutMs = STATUS_TIMEOUT_MS,
): Promise<BatchView | undefined> {
  const url = batchUrl(options, batchId);
  const response = await requestJson(options, 'GET', url, undefined, timeoutMs);
  if (response.status === 404 && !isBatchApiNotFound(response.body))
    throw noApiError(options, 'GET', url, response.body);
  if (response.status === 404) return undefined;
  if (response.status < 200 || response.status > 299) {
    throw new HttpStatusError(
      `reading batch '${batchId}' failed with HTTP ${response.status}: ${errorMessage(response.body)}`,
      response.status,
    );
  }
  const body = response.body as BatchView | undefined;
  if (!body || typeof body.runtimeStatus !== 'string') {
    throw new CliError(`reading batch '${batchId}' returned no runtimeStatus: is ${options.url} this Function App?`);
  }
  return body;
}

/** Like getBatchStatus, but an unknown batch is an error. */
export async function requireBatchStatus(options: ApiOptions, batchId: string): Promise<BatchView> {
  const status = await getBatchStatus(options, batchId);
  if (!status) throw notFound(options, batchId);
  return status;
}

/** Reprocesses the files listed in the batch's `failed.jsonl`. */
export async function redriveBatch(options: ApiOptions, batchId: string): Promise<unknown> {
  await requireBatchStatus(options, batchId);
  return sendBatchCommand(options, batchId, 'redrive', 'POST', batchUrl(options, batchId, '/redrive'));
}

/** Terminates the batch's running orchestration (`POST /api/batches/{batchId}/terminate`). */
export async function terminateBatch(options: ApiOptions, batchId: string, reason: string): Promise<void> {
  await requireBatchStatus(options, batchId);
  await sendBatchCommand(options, batchId, 'terminate', 'POST', batchUrl(options, batchId, '/terminate'), { reason });
}

/** Deletes the history of the batch's ended orchestration (`DELETE /api/batches/{batchId}`); input and results stay. */
export async function purgeBatch(options: ApiOptions, batchId: string): Promise<number> {
  await requireBatchStatus(options, batchId);
  const url = batchUrl(options, batchId);
  const body = (await sendBatchCommand(options, batchId, 'purge', 'DELETE', url)) as { instancesDeleted?: number };
  return body?.instancesDeleted ?? 0;
}

/** Raises an external event on the batch's orchestration. */
export async function raiseBatchEvent(
  options: ApiOptions,
  batchId: string,
  name: string,
  data: unknown,
): Promise<void> {
  const status = await requireBatchStatus(options, batchId);
  const url = managementUrl(options, status.instanceId, `/raiseEvent/${encodeURIComponent(name)}`);
  const response = await requestJson(options, 'POST', url, data);
  if (response.status === 410) throw new CliError(`batch '${batchId}' already ended as ${status.runtimeStatus}`);
  if (response.status !== 202) {
    throw new CliError(
      `raising '${name}' on batch '${batchId}' failed with HTTP ${response.status}: ${errorMessage(response.body)}`,
    );
  }
}

/**
 * Builds a URL of the Durable HTTP API for one instance. On Azure these routes take the Durable extension's
 * system key as `code`; the function key given with --key is sent as well.
 */
export function managementUrl(options: ApiOptions, instanceId: string, suffix: string): string {
  const base = `${options.url.replace(/\/+$/, '')}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}`;
  const url = new URL(base + suffix);
  if (options.key) url.searchParams.set('code', options.key);
  return url.toString();
}
