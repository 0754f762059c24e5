/**
 * End-to-end runs of the Function App on the local host with a real Durable engine and Azurite. The host loads
 * `functions/dist`, so build the app first (`npm test` does).
 */
import {
  byteTotal,
  csvFile,
  expectedGroups,
  expectGroups,
  makeRows,
  ndjsonFile,
  readResult,
  SALES_MANIFEST,
  uploadBatch,
} from './support/batch-data';
import { BatchHost, request, startBatchHost, waitForBatch, waitUntilNewRun } from './support/host-harness';

describe('batch runs on the local host', () => {
  let host: BatchHost;

  beforeAll(async () => {
    host = await startBatchHost();
  });

  afterAll(() => host?.stop());

  const summaryOf = async (batchId: string) => JSON.parse(await readResult(host.blobs, batchId, 'summary.json'));

  it('CSV batch from a manifest upload', async () => {
    const files = [
      csvFile('a.csv', makeRows(1, 30)),
      csvFile('b.csv', makeRows(2, 20)),
      csvFile('c.csv', makeRows(3, 11)),
    ];
    await uploadBatch(host.blobs, 'csv-e2e', files, SALES_MANIFEST);

    const view = await waitForBatch(host, 'csv-e2e');

    expect(view).toMatchObject({ runtimeStatus: 'Completed', status: 'completed', instanceId: 'batch-csv-e2e' });
    expect(view.progress).toMatchObject({ phase: 'done', total: 3, done: 3, failed: 0, rows: 61 });
    expect(view.result).toEqual({
      container: 'results',
      summary: 'csv-e2e/summary.json',
      csv: 'csv-e2e/summary.csv',
      failed: 'csv-e2e/failed.jsonl',
    });
    const summary = await summaryOf('csv-e2e');
    expect(summary).toMatchObject({
      batchId: 'csv-e2e',
      instanceId: 'batch-csv-e2e',
      status: 'completed',
      failedBlobs: 0,
    });
    expect(summary.input).toMatchObject({ blobs: 3, bytes: byteTotal(files), rows: 61, rejectedRows: 0 });
    expectGroups(summary.groups, expectedGroups(files.flatMap((file) => file.rows)));
    expect(await readResult(host.blobs, 'csv-e2e', 'failed.jsonl')).toBe('');
  });

  it('NDJSON batch started over HTTP', async () => {
    const files = [ndjsonFile('x.ndjson', makeRows(5, 40)), ndjsonFile('y.jsonl', makeRows(6, 15))];
    await uploadBatch(host.blobs, 'ndjson-e2e', files, { ...SALES_MANIFEST, format: 'ndjson' });
    await waitForBatch(host, 'ndjson-e2e');

    const started = await request(host, 'POST', '/api/batches/ndjson-e2e');

    expect(started.status).toBe(202);
    expect(started.body.id).toBe('batch-ndjson-e2e');
    for (const key of ['statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri']) {
      expect(String(started.body[key])).toContain('batch-ndjson-e2e');
    }
    const view = await waitForBatch(host, 'ndjson-e2e');
    expect(view.status).toBe('completed');
    const summary = await summaryOf('ndjson-e2e');
    expect(summary.input).toMatchObject({ blobs: 2, bytes: byteTotal(files), rows: 55 });
    expectGroups(summary.groups, expectedGroups(files.flatMap((file) => file.rows)));
  });

  it('bad file under the tolerated percentage', async () => {
    const good = Array.from({ length: 9 }, (_, index) => csvFile(`g${index}.csv`, makeRows(20 + index, 4)));
    const files = [...good, { name: 'broken.csv', content: 'region,amount\neu,1\n', rows: [] }];
    await uploadBatch(host.blobs, 'tolerated-e2e', files, { ...SALES_MANIFEST, toleratedFailurePercentage: 10 });

    const view = await waitForBatch(host, 'tolerated-e2e');

    expect(view.status).toBe('completed');
    const failed = (await readResult(host.blobs, 'tolerated-e2e', 'failed.jsonl')).trim().split('\n');
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0])).toMatchObject({ blob: 'broken.csv', kind: 'missing-column' });
    const summary = await summaryOf('tolerated-e2e');
    expect(summary).toMatchObject({ status: 'completed', failedBlobs: 1, totalBlobs: 10 });
    expectGroups(summary.groups, expectedGroups(good.flatMap((file) => file.rows)));
  });

  it('bad files above the tolerated percentage', async () => {
    const good = [csvFile('g1.csv', makeRows(40, 6)), csvFile('g2.csv', makeRows(41, 6))];
    const files = [...good, { name: 'binary.csv', content: Buffer.from([0, 1, 2, 3, 0, 255]), rows: [] }];
    await uploadBatch(host.blobs, 'over-e2e', files, { ...SALES_MANIFEST, toleratedFailurePercentage: 10 });

    const view = await waitForBatch(host, 'over-e2e');

    expect(view).toMatchObject({ runtimeStatus: 'Completed', status: 'failed' });
    const summary = await summaryOf('over-e2e');
    expect(summary).toMatchObject({ status: 'failed', failedBlobs: 1, totalBlobs: 3 });
    expect(summary.input.blobs).toBe(2);
    expectGroups(summary.groups, expectedGroups(good.flatMap((file) => file.rows)));
    expect(await readResult(host.blobs, 'over-e2e', 'failed.jsonl')).toContain('"blob":"binary.csv"');
  });

  it('batch without data files fails', async () => {
    await uploadBatch(host.blobs, 'empty-e2e', [], SALES_MANIFEST);

    const view = await waitForBatch(host, 'empty-e2e');

    expect(view).toMatchObject({ runtimeStatus: 'Completed', status: 'failed', error: { kind: 'missing-files' } });
    expect(view.error).toMatchObject({ message: expect.stringContaining('Batch empty-e2e has no data files') });
    const summary = await summaryOf('empty-e2e');
    expect(summary).toMatchObject({ status: 'failed', failedBlobs: 0, totalBlobs: 0, groups: [] });
    expect(summary.error.kind).toBe('missing-files');
  });

  it('invalid manifest fails with its message', async () => {
    await uploadBatch(host.blobs, 'invalid-e2e', [csvFile('a.csv', makeRows(1, 2))], { metrics: 'amount' });

    const view = await waitForBatch(host, 'invalid-e2e');

    expect(view).toMatchObject({ runtimeStatus: 'Completed', status: 'failed', error: { kind: 'invalid-manifest' } });
    const summary = await summaryOf('invalid-e2e');
    expect(summary.status).toBe('failed');
    expect(summary.error.message).toContain('"metrics"');
  });

  it('chunked batch matches one chunk', async () => {
    const files = Array.from({ length: 8 }, (_, index) => csvFile(`p${index}.csv`, makeRows(60 + index, 5 + index)));
    await uploadBatch(host.blobs, 'chunks-e2e', files, { ...SALES_MANIFEST, chunkSize: 3 });
    await uploadBatch(host.blobs, 'one-chunk-e2e', files, SALES_MANIFEST);

    const chunked = await waitForBatch(host, 'chunks-e2e');
    await waitForBatch(host, 'one-chunk-e2e');

    expect(chunked.progress).toMatchObject({ chunks: 3, total: 8, done: 8 });
    for (const index of [0, 1, 2]) {
      const status = await request(
        host,
        'GET',
        `/runtime/webhooks/durabletask/instances/batch-chunks-e2e:chunk-${index}`,
      );
      expect({ index, runtimeStatus: status.body.runtimeStatus }).toEqual({ index, runtimeStatus: 'Completed' });
    }
    const missing = await request(host, 'GET', '/runtime/webhooks/durabletask/instances/batch-chunks-e2e:chunk-3');
    expect(missing.status).toBe(404);
    const single = await request(host, 'GET', '/runtime/webhooks/durabletask/instances/batch-one-chunk-e2e:chunk-0');
    expect(single.status).toBe(404);

    const summaryChunked = await summaryOf('chunks-e2e');
    const summarySingle = await summaryOf('one-chunk-e2e');
    expect(summaryChunked.groups).toEqual(summarySingle.groups);
    expect(summaryChunked.input).toEqual(summarySingle.input);
    expectGroups(summaryChunked.groups, expectedGroups(files.flatMap((file) => file.rows)));
  });

  it('chunked batch runs again', async () => {
    const files = Array.from({ length: 5 }, (_, index) => csvFile(`r${index}.csv`, makeRows(80 + index, 6)));
    await uploadBatch(host.blobs, 'rerun-e2e', files, { ...SALES_MANIFEST, chunkSize: 2 });
    const first = await waitForBatch(host, 'rerun-e2e');

    expect((await request(host, 'POST', '/api/batches/rerun-e2e')).status).toBe(202);
    const second = await waitUntilNewRun(host, 'rerun-e2e', String(first.runId));

    expect(second.status).toBe('completed');
    for (const index of [0, 1, 2]) {
      const chunk = await request(
        host,
        'GET',
        `/runtime/webhooks/durabletask/instances/batch-rerun-e2e:chunk-${index}`,
      );
      expect(chunk.body).toMatchObject({ runtimeStatus: 'Completed', input: { runId: second.runId } });
    }
    expectGroups((await summaryOf('rerun-e2e')).groups, expectedGroups(files.flatMap((file) => file.rows)));
  });

  // Full-size variant: 1,200 files give three chunks of the default 500. Run with FULL=1.
  (process.env.FULL ? it : it.skip)(
    'default chunk size over 1,200 files',
    async () => {
      const files = Array.from({ length: 1200 }, (_, index) => csvFile(`f${index}.csv`, makeRows(index, 10)));
      await uploadBatch(host.blobs, 'full-e2e', files, SALES_MANIFEST);

      const view = await waitForBatch(host, 'full-e2e', { timeoutMs: 600000 });

      expect(view).toMatchObject({ status: 'completed', progress: { chunks: 3, total: 1200, done: 1200 } });
      const summary = await summaryOf('full-e2e');
      expect(summary.input).toMatchObject({ blobs: 1200, rows: 12000, bytes: byteTotal(files) });
      expectGroups(summary.groups, expectedGroups(files.flatMap((file) => file.rows)));
    },
    900000,
  );
});
