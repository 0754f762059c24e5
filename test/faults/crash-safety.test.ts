/**
 * SIGKILL of the host process at random moments of a batch, then a restart on the same data folder: every run
 * must end with the same summary as an uninterrupted run, count no file twice and leave no instance active.
 * `FULL=1` runs 10 trials of 500 files; `npm test` runs 3 trials of 120 files.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';
import {
  listBlobNames,
  pause,
  readJsonBlob,
  requestJson,
  taskHubInstances,
  waitForBatchEnd,
} from './support/batch-api';
import { HostCli, startHostCli } from './support/host-cli';
import { freePort } from './support/ports';
import { comparableSummary, FULL, SALES_MANIFEST, salesFiles, uploadSalesBatch } from './support/sales-batch';

const FILE_COUNT = FULL ? 500 : 120;
const TRIALS = FULL ? 10 : 3;
const ROWS_PER_FILE = 200;
const MANIFEST = { ...SALES_MANIFEST, chunkSize: FULL ? 100 : 40 };

describe('host killed during a batch', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-crash-'));
  const dataDir = path.join(workDir, 'data');
  const logFile = path.join(workDir, 'host.log');
  const files = salesFiles(FILE_COUNT, ROWS_PER_FILE);
  let azurite: RunningAzurite;
  let blobs: BlobServiceClient;
  let host: HostCli | undefined;
  let port: number;

  const startHost = async () => {
    host = await startHostCli({ dataDir, port, connectionString: azurite.connectionString, logFile });
    return host;
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    port = await freePort();
    await startHost();
  });

  afterAll(async () => {
    await host?.kill();
    await azurite?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const runBatch = async (batchId: string) => {
    const startedAt = Date.now();
    await uploadSalesBatch(blobs, batchId, files, MANIFEST);
    return { startedAt };
  };

  const activeInstances = (batchId: string) =>
    taskHubInstances(dataDir).filter(
      (row) => row.instance_id.startsWith(`batch-${batchId}`) && ['Pending', 'Running'].includes(row.status),
    );

  it('ends every trial with the uninterrupted summary', async () => {
    const reference = await runBatch('crash-reference');
    const referenceView = await waitForBatchEnd(() => host!.url, 'crash-reference', { timeoutMs: 300000 });
    const referenceMs = Date.now() - reference.startedAt;
    expect(referenceView.status).toBe('completed');
    const expected = (await readJsonBlob(blobs, 'results', 'crash-reference/summary.json')) as Record<string, unknown>;
    expect(expected.input).toMatchObject({ blobs: FILE_COUNT, rows: FILE_COUNT * ROWS_PER_FILE, rejectedRows: 0 });

    const report: string[] = [`reference run: ${FILE_COUNT} files in ${referenceMs} ms`];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const batchId = `crash-trial-${trial}`;
      const { startedAt } = await runBatch(batchId);
      const killAfterMs = Math.floor(Math.random() * referenceMs * 0.9);
      await pause(Math.max(0, startedAt + killAfterMs - Date.now()));
      const before = await requestJson(host!.url, 'GET', `/api/batches/${batchId}`).catch(() => undefined);
      await host!.kill();
      await startHost();

      const view = await waitForBatchEnd(() => host!.url, batchId, { timeoutMs: 300000 });
      const summary = (await readJsonBlob(blobs, 'results', `${batchId}/summary.json`)) as Record<string, unknown>;
      const partials = await listBlobNames(blobs, 'work', `${batchId}/runs/${String(view.runId)}/map/`);
      const progress = JSON.stringify(before?.body.progress ?? before?.status ?? 'no response');
      report.push(`trial ${trial}: killed ${killAfterMs} ms after upload (${progress}), ended ${String(view.status)}`);

      expect({ trial, runtimeStatus: view.runtimeStatus }).toEqual({ trial, runtimeStatus: 'Completed' });
      expect({ trial, summary: comparableSummary(summary) }).toEqual({ trial, summary: comparableSummary(expected) });
      expect({ trial, rows: (summary.input as { rows: number }).rows }).toEqual({
        trial,
        rows: FILE_COUNT * ROWS_PER_FILE,
      });
      expect({ trial, partials: partials.length }).toEqual({ trial, partials: FILE_COUNT });
      expect({ trial, active: activeInstances(batchId) }).toEqual({ trial, active: [] });
    }
    process.stdout.write(`${report.join('\n')}\n`);

    const runs = taskHubInstances(dataDir);
    expect(runs.filter((row) => ['Pending', 'Running'].includes(row.status))).toEqual([]);
  });
});
