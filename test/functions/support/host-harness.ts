import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseLogLine } from '../../../functions/src/telemetry/log';
import { RunningHost, startHost } from '../../../host/src/host';
import { RunningAzurite, startAzurite } from '../../../scripts/src/azurite';

/** The Function App folder; the host loads its compiled `dist/`, so build it first (`npm test` does). */
export const APP_DIR = path.resolve(__dirname, '../../../functions');

export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

export interface BatchHost {
  azurite: RunningAzurite;
  host: RunningHost;
  blobs: BlobServiceClient;
  queues: QueueServiceClient;
  logs: LogLine[];
  stop(): Promise<void>;
}

export interface BatchHostOptions {
  /** Prefix of the temp folder that contains the host's data folder and anything `prepareApp` writes. */
  tempPrefix?: string;
  /** Task hub name, so that suites keep their Durable state apart. @default 'e2etests' */
  taskHub?: string;
  /** Environment the host merges its settings with. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Writes the app the host loads below the temp folder and returns its folder. @default the Function App */
  prepareApp?: (workDir: string) => string;
}

/**
 * Starts an in-memory Azurite and the local host running the Function App (or the app `prepareApp` writes), with
 * manifest blob events on. The host's log output, the app's log lines included, is collected in `logs`.
 */
export async function startBatchHost(options: BatchHostOptions = {}): Promise<BatchHost> {
  const azurite = await startAzurite();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), options.tempPrefix ?? 'functions-e2e-'));
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  try {
    const host = await startHost({
      appDir: options.prepareApp?.(workDir) ?? APP_DIR,
      port: 0,
      dataDir: path.join(workDir, 'data'),
      logger,
      env: options.env,
      settings: {
        FUNCTIONS_WORKER_RUNTIME: 'node',
        AzureWebJobsStorage: azurite.connectionString,
        DataStorage: azurite.connectionString,
        TASKHUB_NAME: options.taskHub ?? 'e2etests',
      },
      blobEvents: [{ container: 'input', queue: 'blob-created', subjectSuffix: '/_manifest.json' }],
      blobEventPollMs: 100,
    });
    return {
      azurite,
      host,
      blobs: BlobServiceClient.fromConnectionString(azurite.connectionString),
      queues: QueueServiceClient.fromConnectionString(azurite.connectionString),
      logs,
      stop: async () => {
        await host.stop();
        await azurite.stop();
        fs.rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await azurite.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export async function request(host: BatchHost, method: string, route: string, body?: string): Promise<JsonResponse> {
  const response = await fetch(new URL(route, host.host.url), { method, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Polls `GET /api/batches/{batchId}` until the run (optionally a given run id) leaves the active states. */
export async function waitForBatch(
  host: BatchHost,
  batchId: string,
  options: { runId?: string; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  let last: JsonResponse | undefined;
  for (;;) {
    last = await request(host, 'GET', `/api/batches/${batchId}`);
    const finished = ['Completed', 'Failed', 'Terminated'].includes(String(last.body.runtimeStatus));
    if (last.status === 200 && finished && (!options.runId || last.body.runId === options.runId)) return last.body;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} did not finish: last status ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls until a run other than `previousRunId` of the batch has finished, and returns its view. */
export async function waitUntilNewRun(
  host: BatchHost,
  batchId: string,
  previousRunId: string,
  timeoutMs = 60000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await waitForBatch(host, batchId, { timeoutMs });
    if (view.runId !== previousRunId) return view;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} started no run after ${previousRunId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Log lines that the app wrote with `logEvent` for `event`, parsed back into fields. */
export function appEvents(logs: LogLine[], event: string): Record<string, unknown>[] {
  return logs
    .map((line) => (typeof line.msg === 'string' ? parseLogLine(line.msg) : undefined))
    .filter((parsed) => parsed?.event === event)
    .map((parsed) => parsed?.fields ?? {});
}
