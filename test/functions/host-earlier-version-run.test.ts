/**
 * A chunk input written by an app version from before map groups, on the local host with Azurite. The host loads
 * `functions/dist`, so build the app first (`npm test` does).
 */
import { csvFile, makeRows, SALES_MANIFEST, uploadBatch } from './support/batch-data';
import { BatchHost, request, startBatchHost, waitForBatch } from './support/host-harness';

describe('chunk input of an earlier app version', () => {
  let host: BatchHost;

  beforeAll(async () => {
    host = await startBatchHost();
  });

  afterAll(() => host?.stop());

  it('fails the chunk instead of mapping nothing', async () => {
    const files = Array.from({ length: 4 }, (_, index) => csvFile(`f${index}.csv`, makeRows(index, 5)));
    await uploadBatch(host.blobs, 'earlier-chunk', files, SALES_MANIFEST);
    const run = await waitForBatch(host, 'earlier-chunk');
    expect(run.status).toBe('completed');

    // The chunk reference as the listing wrote it before map groups: no `groups` count.
    const input = { batchId: 'earlier-chunk', runId: run.runId, chunk: { index: 0, start: 0, count: 4 } };
    const route = '/runtime/webhooks/durabletask/orchestrators/batchChunkOrchestrator/earlier-chunk-0';
    expect((await request(host, 'POST', route, JSON.stringify(input))).status).toBe(202);

    let status = await request(host, 'GET', '/runtime/webhooks/durabletask/instances/earlier-chunk-0');
    for (const deadline = Date.now() + 60000; ['Pending', 'Running'].includes(String(status.body.runtimeStatus));) {
      if (Date.now() > deadline) throw new Error(`chunk did not finish: ${JSON.stringify(status.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await request(host, 'GET', '/runtime/webhooks/durabletask/instances/earlier-chunk-0');
    }

    expect(status.body.runtimeStatus).toBe('Failed');
    expect(JSON.stringify(status.body.output)).toContain('groups: missing');
    expect(JSON.stringify(status.body.output)).toContain('earlier version of the app');
    expect(JSON.stringify(status.body.output)).toContain('POST /api/batches/earlier-chunk');
  });
});
