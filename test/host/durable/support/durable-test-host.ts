import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DurableEngine } from '../../../../host/src/durable';
import { startHost, type RunningHost } from '../../../../host/src/host';

export const FIXTURE_APPS = path.resolve(__dirname, '../../../fixtures/apps');
export const WEBHOOK = '/runtime/webhooks/durabletask';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface DurableTestHost {
  host: RunningHost;
  engine: DurableEngine;
  dataDir: string;
  request(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  start(name: string, input?: unknown, instanceId?: string): Promise<string>;
  waitForStatus(instanceId: string, statuses: string[], timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts the real host on a free loopback port with a fresh data folder and returns API helpers. */
export async function startDurableTestHost(app: string, dataDir?: string): Promise<DurableTestHost> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'durable-test-'));
  const host = await startHost({
    appDir: path.join(FIXTURE_APPS, app),
    port: 0,
    dataDir: dir,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  });
  const engine = host.durable as DurableEngine;

  const request = async (
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const hasBody = body !== undefined;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${host.url}${pathAndQuery}`, {
      method,
      headers: hasBody ? { 'content-type': 'application/json', ...headers } : headers,
      body: hasBody ? text : undefined,
    });
    const responseText = await response.text();
    let parsed: unknown = responseText;
    try {
      parsed = responseText ? JSON.parse(responseText) : undefined;
    } catch {
      parsed = responseText;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const start = async (name: string, input?: unknown, instanceId?: string): Promise<string> => {
    const suffix = instanceId ? `/${encodeURIComponent(instanceId)}` : '';
    const response = await request(
      'POST',
      `${WEBHOOK}/orchestrators/${name}${suffix}`,
      input === undefined ? undefined : JSON.stringify(input),
    );
    if (response.status !== 202) {
      throw new Error(`start ${name} returned ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return (response.body as { id: string }).id;
  };

  const waitForStatus = async (instanceId: string, statuses: string[], timeoutMs = 30000) => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const response = await request('GET', `${WEBHOOK}/instances/${encodeURIComponent(instanceId)}`);
      last = response.body;
      const status = response.body as Record<string, unknown> | undefined;
      if (status && statuses.includes(status.runtimeStatus as string)) {
        return status;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `instance ${instanceId} did not reach ${statuses.join('/')} in ${timeoutMs} ms: ${JSON.stringify(last)}`,
    );
  };

  return {
    host,
    engine,
    dataDir: dir,
    request,
    start,
    waitForStatus,
    stop: async () => {
      await host.stop();
      if (!dataDir) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
