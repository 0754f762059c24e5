/**
 * SIGKILL of the host process at random moments of a batch, then a restart on the same data folder: every run
 * must end with the same summary as an uninterrupted run, count no file twice and leave no instance active.
 * `FULL=1` runs 10 trials of 500 files; `npm test` runs 3 trials of 120 files.
 */
import {
  countMappedFiles,
  listBlobNames,
  pause,
  readJsonBlob,
  requestJson,
  taskHubInstances,
  waitForBatchEnd,
} from './support/batch-api';
import { FaultStack, startFaultStack } from './support/fault-stack';
import { comparableSummary, FULL, SALES_MANIFEST, salesFiles, uploadSalesBatch } from './support/sales-batch';

const FILE_COUNT = FULL ? 500 : 120;
const TRIALS = FULL ? 10 : 3;
const ROWS_PER_FILE = 200;
const MANIFEST = { ...SALES_MANIFEST, chunkSize: FULL ? 100 : 40 };
/** Share of the uninterrupted run's duration in which the kill falls; later runs are faster, as caches are warm. */
const KILL_WINDOW = 0.6;

describe('host killed during a batch', () => {
  const files = salesFiles(FILE_COUNT, ROWS_PER_FILE);
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack('crash');
  });

  afterAll(() => stack?.stop());

  let expected: Record<string, unknown>;
  let referenceMs: number;
  const report: string[] = [];

  /** Uploads the batch; the manifest goes last, so the batch starts when this resolves. */
  const uploadBatch = async (batchId: string) => {
    await uploadSalesBatch(stack.blobs, batchId, files, MANIFEST);
    return Date.now();
  };

  const activeInstances = (batchId: string) =>
    taskHubInstances(stack.dataDir).filter(
      (row) => row.instance_id.startsWith(`batch-${batchId}`) && ['Pending', 'Running'].includes(row.status),
    );

  const readSummary = async (batchId: string) =>
    (await readJsonBlob(stack.blobs, 'results', `${batchId}/summary.json`)) as Record<string, unknown>;

  beforeAll(async () => {
    const startedAt = await uploadBatch('crash-reference');
    const view = await waitForBatchEnd(() => stack.host.url, 'crash-reference', { timeoutMs: 300000 });
    referenceMs = Date.now() - startedAt;
    expect(view.status).toBe('completed');
    expected = await readSummary('crash-reference');
    report.push(`uninterrupted run: ${FILE_COUNT} files in ${referenceMs} ms`);
  }, 300000);

  afterAll(() => {
    process.stdout.write(`${report.join('\n')}\n`);
  });

  it('uninterrupted run counts every row once', () => {
    expect(expected.input).toMatchObject({ blobs: FILE_COUNT, rows: FILE_COUNT * ROWS_PER_FILE, rejectedRows: 0 });
  });

  it.each(Array.from({ length: TRIALS }, (_, trial) => trial))(
    'trial %i ends with the uninterrupted summary',
    async (trial) => {
      const batchId = `crash-trial-${trial}`;
      const startedAt = await uploadBatch(batchId);
      const killAfterMs = Math.floor(Math.random() * referenceMs * KILL_WINDOW);
      await pause(Math.max(0, startedAt + killAfterMs - Date.now()));
      const before = await requestJson(stack.host.url, 'GET', `/api/batches/${batchId}`).catch(() => undefined);
      await stack.restartHost();

      const view = await waitForBatchEnd(() => stack.host.url, batchId, { timeoutMs: 300000 });
      const summary = await readSummary(batchId);
      const mappedFiles = await countMappedFiles(stack.blobs, batchId, String(view.runId));
      const runFolders = new Set(
        (await listBlobNames(stack.blobs, 'work', `${batchId}/runs/`)).map((name) => name.split('/')[2]),
      );
      const progress = JSON.stringify(before?.body.progress ?? before?.status ?? 'no response');
      report.push(`trial ${trial}: killed ${killAfterMs} ms after the manifest upload at ${progress}`);

      expect(view.runtimeStatus).toBe('Completed');
      expect(comparableSummary(summary)).toEqual(comparableSummary(expected));
      expect((summary.input as { rows: number }).rows).toBe(FILE_COUNT * ROWS_PER_FILE);
      expect(mappedFiles).toBe(FILE_COUNT);
      expect([...runFolders]).toEqual([view.runId]);
      expect(activeInstances(batchId)).toEqual([]);
    },
    300000,
  );

  it('leaves no instance pending or running', () => {
    const active = taskHubInstances(stack.dataDir).filter((row) => ['Pending', 'Running'].includes(row.status));
    expect(active).toEqual([]);
  });
});
