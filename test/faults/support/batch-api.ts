import Database from 'better-sqlite3';
import { BlobServiceClient } from '@azure/storage-blob';
import path from 'node:path';

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a request to the host and parses a JSON body; an empty body becomes `{}`. */
export async function requestJson(
  baseUrl: string,
  method: string,
  route: string,
  body?: string,
): Promise<JsonResponse> {
  const response = await fetch(new URL(route, baseUrl), { method, body });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

const FINAL = ['Completed', 'Failed', 'Terminated'];

/**
 * Polls `GET /api/batches/{batchId}` until the run ends. Connection errors count as "not yet", because the
 * host may be restarting; `url` is read on every poll so that a restarted host is followed.
 */
export async function waitForBatchEnd(
  url: () => string,
  batchId: string,
  options: { timeoutMs?: number; notRunId?: string } = {},
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + (options.timeoutMs ?? 120000);
  let last: unknown;
  for (;;) {
    try {
      const view = await requestJson(url(), 'GET', `/api/batches/${batchId}`);
      last = view;
      const ended = view.status === 200 && FINAL.includes(String(view.body.runtimeStatus));
      if (ended && view.body.runId !== options.notRunId) return view.body;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`batch ${batchId} did not end: last response ${String(JSON.stringify(last))}`);
    await pause(150);
  }
}

/** Polls until `check` returns a value other than undefined. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(100);
  }
}

export async function readJsonBlob(blobs: BlobServiceClient, container: string, name: string): Promise<unknown> {
  const buffer = await blobs.getContainerClient(container).getBlobClient(name).downloadToBuffer();
  return JSON.parse(buffer.toString());
}

export async function blobExists(blobs: BlobServiceClient, container: string, name: string): Promise<boolean> {
  return blobs.getContainerClient(container).getBlobClient(name).exists();
}

export async function listBlobNames(blobs: BlobServiceClient, container: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of blobs.getContainerClient(container).listBlobsFlat({ prefix })) names.push(blob.name);
  return names;
}

export interface InstanceRecord {
  instance_id: string;
  status: string;
  execution_id: string;
}

export interface ActivityRecord {
  instance_id: string;
  name: string;
  status: string;
  scheduled_at: number;
  started_at: number | null;
  completed_at: number | null;
}

/** Opens the host's SQLite task hub read-only; the host writes it in WAL mode, so reading while it runs is safe. */
export function openTaskHub(dataDir: string, hubName = 'faults'): Database.Database {
  return new Database(path.join(dataDir, `${hubName}.sqlite`), { readonly: true, fileMustExist: true });
}

export function taskHubInstances(dataDir: string, hubName = 'faults'): InstanceRecord[] {
  const db = openTaskHub(dataDir, hubName);
  try {
    return db.prepare('SELECT instance_id, status, execution_id FROM instances').all() as InstanceRecord[];
  } finally {
    db.close();
  }
}

export function taskHubActivities(dataDir: string, instancePrefix: string, hubName = 'faults'): ActivityRecord[] {
  const db = openTaskHub(dataDir, hubName);
  try {
    return db
      .prepare(
        'SELECT instance_id, name, status, scheduled_at, started_at, completed_at FROM activities WHERE instance_id LIKE ?',
      )
      .all(`${instancePrefix}%`) as ActivityRecord[];
  } finally {
    db.close();
  }
}

/** Sums the `mapped` metadata of a run's map outcome blobs: the files its map groups mapped. */
export async function countMappedFiles(blobs: BlobServiceClient, batchId: string, runId: string): Promise<number> {
  const container = blobs.getContainerClient('work');
  let mapped = 0;
  for await (const blob of container.listBlobsFlat({
    prefix: `${batchId}/runs/${runId}/map/`,
    includeMetadata: true,
  })) {
    mapped += Number(blob.metadata?.mapped ?? 0);
  }
  return mapped;
}
