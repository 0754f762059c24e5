/**
 * Terminate of a run whose one chunk maps inline in the batch orchestration, on the local host with Azurite.
 * The host loads `functions/dist`, so build the app first (`npm test` does).
 */
import { csvFile, makeRows, SALES_MANIFEST, uploadBatch } from './support/batch-data';
import { BatchHost, request, startBatchHost, waitForBatch } from './support/host-harness';

/** Terminate waited 10 s for a chunk sub-orchestration; a bound well under that shows it no longer waits. */
const TERMINATE_BOUND_MS = 5000;

describe('terminate of a one-chunk run', () => {
  let host: BatchHost;

  beforeAll(async () => {
    host = await startBatchHost();
  });

  afterAll(() => host?.stop());

  it('answers without waiting for chunks', async () => {
    const files = Array.from({ length: 4 }, (_, index) => csvFile(`f${index}.csv`, makeRows(index, 5)));
    await uploadBatch(host.blobs, 'inline-stop', files, SALES_MANIFEST);
    await waitForBatch(host, 'inline-stop');

    // A leased map outcome blob makes the first map activity fail and retry (HTTP 412), so the run keeps mapping.
    const outcome = host.blobs.getContainerClient('work').getBlockBlobClient('inline-stop/runs/inline-run/map/0.json');
    await outcome.upload('{}', 2);
    await outcome.getBlobLeaseClient().acquireLease(-1);
    const input = { batchId: 'inline-stop', runId: 'inline-run', mode: 'full' };
    const route = '/runtime/webhooks/durabletask/orchestrators/batchOrchestrator/batch-inline-stop';
    expect((await request(host, 'POST', route, JSON.stringify(input))).status).toBe(202);
    for (let view = await request(host, 'GET', '/api/batches/inline-stop'); ;) {
      const progress = view.body.progress as { phase?: string; chunks?: number } | null;
      if (view.body.runId === 'inline-run' && progress?.phase === 'mapping') {
        expect(progress.chunks).toBe(1);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await request(host, 'GET', '/api/batches/inline-stop');
    }

    const startedAt = Date.now();
    const terminated = await request(host, 'POST', '/api/batches/inline-stop/terminate');
    const elapsedMs = Date.now() - startedAt;

    expect(terminated.status).toBe(202);
    expect(terminated.body.terminated).toEqual(['batch-inline-stop']);
    expect(elapsedMs).toBeLessThan(TERMINATE_BOUND_MS);
  });
});
