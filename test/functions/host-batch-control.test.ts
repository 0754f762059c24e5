/**
 * Starts, duplicate deliveries, redrive, terminate and purge of batch runs on the local host with a real Durable
 * engine and Azurite. The host loads `functions/dist`, so build the app first (`npm test` does).
 */
import {
  csvFile,
  expectedGroups,
  expectGroups,
  makeRows,
  readResult,
  SALES_MANIFEST,
  uploadBatch,
} from './support/batch-data';
import { appEvents, BatchHost, request, startBatchHost, waitForBatch, waitUntilNewRun } from './support/host-harness';

/** Builds the Event Grid event that Azure Storage publishes for a new manifest blob. */
function manifestEvent(batchId: string, etag: string, id: string) {
  return {
    id,
    topic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
    subject: `/blobServices/default/containers/input/blobs/${batchId}/_manifest.json`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(),
    data: { api: 'PutBlob', eTag: etag, url: `http://127.0.0.1/devstoreaccount1/input/${batchId}/_manifest.json` },
    dataVersion: '',
    metadataVersion: '1',
  };
}

describe('batch control on the local host', () => {
  let host: BatchHost;

  beforeAll(async () => {
    host = await startBatchHost();
  });

  afterAll(() => host?.stop());

  const manifestEtag = async (batchId: string) =>
    String(
      (await host.blobs.getContainerClient('input').getBlobClient(`${batchId}/_manifest.json`).getProperties()).etag,
    );

  const sendEvents = async (events: unknown[]) => {
    const queue = host.queues.getQueueClient('blob-created');
    await queue.createIfNotExists();
    await Promise.all(events.map((event) => queue.sendMessage(Buffer.from(JSON.stringify(event)).toString('base64'))));
  };

  /**
   * Leases the map outcome blob of file 0 of run `runId` and starts that run. The map activity of file 0 then fails
   * and retries (HTTP 412, lease present) until the returned lease is released, so the run stays active.
   */
  const startBlockedRun = async (batchId: string, runId: string) => {
    const outcome = host.blobs.getContainerClient('work').getBlockBlobClient(`${batchId}/runs/${runId}/map/0.json`);
    await outcome.upload('{}', 2);
    const lease = outcome.getBlobLeaseClient();
    await lease.acquireLease(-1);
    const route = `/runtime/webhooks/durabletask/orchestrators/batchOrchestrator/batch-${batchId}`;
    const started = await request(host, 'POST', route, JSON.stringify({ batchId, runId, mode: 'full' }));
    expect(started.status).toBe(202);
    return lease;
  };

  it('duplicate deliveries start one run', async () => {
    const files = Array.from({ length: 6 }, (_, index) => csvFile(`d${index}.csv`, makeRows(index, 20)));
    await uploadBatch(host.blobs, 'dup-e2e', files, SALES_MANIFEST);
    const etag = await manifestEtag('dup-e2e');
    await sendEvents(Array.from({ length: 5 }, (_, index) => manifestEvent('dup-e2e', etag, `copy-${index}`)));

    const first = await waitForBatch(host, 'dup-e2e');
    await sendEvents([manifestEvent('dup-e2e', etag, 'late-copy')]);
    // Copies handled while the run was active are duplicates too, so wait for the one handled after it finished.
    await waitForLog(host, 'starter.duplicate-manifest', 'dup-e2e', (events) =>
      events.some((e) => e.runtimeStatus === 'Completed'),
    );
    const second = await waitForBatch(host, 'dup-e2e');

    const started = appEvents(host.logs, 'starter.batch-started').filter((event) => event.batchId === 'dup-e2e');
    expect(started).toHaveLength(1);
    expect(second.runId).toBe(first.runId);
    const skipped = ['starter.duplicate-manifest', 'starter.batch-busy', 'starter.start-raced'].flatMap((name) =>
      appEvents(host.logs, name).filter((event) => event.batchId === 'dup-e2e'),
    );
    expect(skipped.length).toBeGreaterThanOrEqual(6);
  });

  it('concurrent POSTs start one run', async () => {
    await uploadBatch(host.blobs, 'race-e2e', [csvFile('a.csv', makeRows(1, 50))], SALES_MANIFEST);
    const first = await waitForBatch(host, 'race-e2e');

    const responses = await Promise.all(
      Array.from({ length: 6 }, () => request(host, 'POST', '/api/batches/race-e2e')),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409]);
    const next = await waitUntilNewRun(host, 'race-e2e', String(first.runId));
    expect(next.status).toBe('completed');
  });

  it('changed manifest starts a new run', async () => {
    await uploadBatch(host.blobs, 'changed-e2e', [csvFile('a.csv', makeRows(1, 5))], SALES_MANIFEST);
    const first = await waitForBatch(host, 'changed-e2e');

    const text = JSON.stringify({ ...SALES_MANIFEST, toleratedFailurePercentage: 5 });
    await host.blobs
      .getContainerClient('input')
      .getBlockBlobClient('changed-e2e/_manifest.json')
      .upload(text, text.length);
    const next = await waitUntilNewRun(host, 'changed-e2e', String(first.runId));

    expect(next).toMatchObject({ instanceId: 'batch-changed-e2e', status: 'completed' });
    const started = appEvents(host.logs, 'starter.batch-started').filter((event) => event.batchId === 'changed-e2e');
    expect(started).toHaveLength(2);
  });

  it('redrive reprocesses only failed files', async () => {
    const good = [
      csvFile('a.csv', makeRows(1, 10)),
      csvFile('b.csv', makeRows(2, 10)),
      csvFile('c.csv', makeRows(3, 10)),
    ];
    const fixed = csvFile('d.csv', makeRows(4, 10));
    await uploadBatch(
      host.blobs,
      'redrive-e2e',
      [...good, { name: 'd.csv', content: 'region,qty\neu,1\n', rows: [] }],
      SALES_MANIFEST,
    );
    const first = await waitForBatch(host, 'redrive-e2e');
    expect(first.status).toBe('failed');
    expect(await readResult(host.blobs, 'redrive-e2e', 'failed.jsonl')).toContain('"blob":"d.csv"');

    await host.blobs
      .getContainerClient('input')
      .getBlockBlobClient('redrive-e2e/d.csv')
      .upload(fixed.content, fixed.content.length);
    const redrive = await request(host, 'POST', '/api/batches/redrive-e2e/redrive');
    expect(redrive.status).toBe(202);
    const next = await waitUntilNewRun(host, 'redrive-e2e', String(first.runId));

    expect(next).toMatchObject({ mode: 'redrive', status: 'completed' });
    const mapped = [];
    for await (const blob of host.blobs
      .getContainerClient('work')
      .listBlobsFlat({ prefix: `redrive-e2e/runs/${next.runId}/map/` })) {
      mapped.push(blob.name);
    }
    expect(mapped).toHaveLength(1);
    const summary = JSON.parse(await readResult(host.blobs, 'redrive-e2e', 'summary.json'));
    expect(summary).toMatchObject({ status: 'completed', failedBlobs: 0, totalBlobs: 4, mode: 'redrive' });
    expect(summary.input).toMatchObject({ blobs: 4, rows: 40 });
    expectGroups(summary.groups, expectedGroups([...good, fixed].flatMap((file) => file.rows)));
    expect(await readResult(host.blobs, 'redrive-e2e', 'failed.jsonl')).toBe('');

    const again = await request(host, 'POST', '/api/batches/redrive-e2e/redrive');
    expect(again.status).toBe(409);
  });

  it('redrive of expired work blobs is a 404', async () => {
    await uploadBatch(host.blobs, 'expired-e2e', [{ name: 'bad.csv', content: 'region\neu\n' }], SALES_MANIFEST);
    const first = await waitForBatch(host, 'expired-e2e');
    expect(first.status).toBe('failed');
    const summaryBefore = await readResult(host.blobs, 'expired-e2e', 'summary.json');
    // The work container's lifecycle rule deletes a run's blobs some days after they were written.
    const work = host.blobs.getContainerClient('work');
    await work.getBlockBlobClient(`expired-e2e/runs/${String(first.runId)}/merged.json`).delete();

    const redrive = await request(host, 'POST', '/api/batches/expired-e2e/redrive');

    expect(redrive.status).toBe(404);
    expect(String(redrive.body.error)).toContain('Start the batch again with POST /api/batches/expired-e2e');
    expect(await readResult(host.blobs, 'expired-e2e', 'summary.json')).toBe(summaryBefore);
  });

  it('redrive after a new manifest is a 409', async () => {
    const bad = { name: 'bad.csv', content: 'region\neu\n', rows: [] };
    await uploadBatch(host.blobs, 'renewed-e2e', [csvFile('a.csv', makeRows(1, 5)), bad], SALES_MANIFEST);
    const first = await waitForBatch(host, 'renewed-e2e');
    expect(first.status).toBe('failed');
    const oldEtag = String(first.manifestEtag);

    const files = Array.from({ length: 4 }, (_, index) => csvFile(`n${index}.csv`, makeRows(index, 5)));
    await uploadBatch(host.blobs, 'renewed-e2e', files, SALES_MANIFEST);
    const redrive = await request(host, 'POST', '/api/batches/renewed-e2e/redrive');

    expect(redrive.status).toBe(409);
    const message = String(redrive.body.error);
    expect(message).toContain(`input/renewed-e2e/_manifest.json changed since run ${String(first.runId)}`);
    expect(message).toContain(`ETag ${oldEtag} then`);
    expect(message).toContain('Start a full run with POST /api/batches/renewed-e2e');
    // The new manifest's event starts a full run over every file now under the prefix.
    const next = await waitUntilNewRun(host, 'renewed-e2e', String(first.runId));
    expect(next).toMatchObject({ mode: 'full', status: 'failed' });
    const summary = JSON.parse(await readResult(host.blobs, 'renewed-e2e', 'summary.json'));
    expect(summary).toMatchObject({ mode: 'full', totalBlobs: 6, failedBlobs: 1 });
  });

  it('redrive during the first run is a 409', async () => {
    // A leased latest-run blob makes the result write fail and retry (HTTP 412), so the first run stays active.
    const work = host.blobs.getContainerClient('work');
    await work.createIfNotExists();
    const latest = work.getBlockBlobClient('first-e2e/latest-run.json');
    await latest.upload('{}', 2);
    const lease = latest.getBlobLeaseClient();
    await lease.acquireLease(-1);
    await uploadBatch(host.blobs, 'first-e2e', [csvFile('a.csv', makeRows(1, 5))], SALES_MANIFEST);
    await waitUntil(async () => {
      const view = await request(host, 'GET', '/api/batches/first-e2e');
      return (view.body.progress as { phase?: string } | null)?.phase === 'writing' ? view : undefined;
    });

    const redrive = await request(host, 'POST', '/api/batches/first-e2e/redrive');
    await lease.releaseLease();
    const view = await waitForBatch(host, 'first-e2e', { timeoutMs: 100000 });

    expect(redrive.status).toBe(409);
    expect(String(redrive.body.error)).toContain('Batch first-e2e is running as instance batch-first-e2e');
    expect(String(redrive.body.error)).toContain('terminate it with POST /api/batches/first-e2e/terminate');
    expect(view.status).toBe('completed');
  });

  it('manifest during an active run logs the recovery', async () => {
    await uploadBatch(host.blobs, 'busy-e2e', [csvFile('a.csv', makeRows(1, 5))], SALES_MANIFEST);
    await waitForBatch(host, 'busy-e2e');

    const lease = await startBlockedRun('busy-e2e', 'busy-run');
    await waitForLog(host, 'activity.map-transient-error', 'busy-e2e', (events) => events.length > 0);

    const text = JSON.stringify({ ...SALES_MANIFEST, toleratedFailurePercentage: 5 });
    await host.blobs
      .getContainerClient('input')
      .getBlockBlobClient('busy-e2e/_manifest.json')
      .upload(text, text.length);
    const busy = await waitForLog(host, 'starter.batch-busy', 'busy-e2e', (events) => events.length > 0);
    await lease.releaseLease();

    const etag = (await manifestEtag('busy-e2e')).replace(/"/g, '');
    expect(busy[0]).toMatchObject({ etag, runtimeStatus: 'Running' });
    expect(String(busy[0].action)).toBe(
      `Manifest ETag ${etag} was not started because a run is active: after that run ends, start it with ` +
        'POST /api/batches/busy-e2e or upload the manifest again',
    );
    expect((await waitForBatch(host, 'busy-e2e', { runId: 'busy-run' })).status).toBe('completed');
  });

  it('terminate and purge reach the chunks', async () => {
    const files = Array.from({ length: 30 }, (_, index) => csvFile(`t${index}.csv`, makeRows(index, 20)));
    await uploadBatch(host.blobs, 'stop-e2e', files, { ...SALES_MANIFEST, chunkSize: 3 });
    await waitForBatch(host, 'stop-e2e');

    // Leasing the map outcome blob of the first file of chunks 0 to 7 makes those map activities fail and retry
    // (HTTP 412), so the eight chunks stay running while chunks 8 and 9 complete.
    const leases = [];
    for (let chunk = 0; chunk < 8; chunk += 1) {
      const blob = host.blobs
        .getContainerClient('work')
        .getBlockBlobClient(`stop-e2e/runs/stop-run/map/${chunk * 3}.json`);
      await blob.upload('{}', 2);
      const lease = blob.getBlobLeaseClient();
      await lease.acquireLease(-1);
      leases.push(lease);
    }
    const input = { batchId: 'stop-e2e', runId: 'stop-run', mode: 'full' };
    const orchestrators = '/runtime/webhooks/durabletask/orchestrators';
    expect(
      (await request(host, 'POST', `${orchestrators}/batchOrchestrator/batch-stop-e2e`, JSON.stringify(input))).status,
    ).toBe(202);

    // The view counts the map outcome blobs, so 22 files are done: chunks 8 and 9 and two files of each blocked
    // chunk. The leased placeholder blobs carry no outcome and do not count.
    const mapping = await waitUntil(async () => {
      const view = await request(host, 'GET', '/api/batches/stop-e2e');
      const progress = view.body.progress as { phase?: string; done?: number } | null;
      return progress?.phase === 'mapping' && progress.done === 22 ? view : undefined;
    });
    expect(mapping.body.progress).toMatchObject({ total: 30, chunks: 10, done: 22, failed: 0 });

    const [conflict, purgeWhileRunning] = await Promise.all([
      request(host, 'POST', '/api/batches/stop-e2e'),
      request(host, 'DELETE', '/api/batches/stop-e2e'),
    ]);
    expect(conflict.status).toBe(409);
    expect(String(conflict.body.error)).toContain('terminate it with POST /api/batches/stop-e2e/terminate');
    expect(purgeWhileRunning.status).toBe(409);

    const terminated = await request(host, 'POST', '/api/batches/stop-e2e/terminate', '{"reason":"test stop"}');
    expect(terminated.status).toBe(202);
    const blocked = Array.from({ length: 8 }, (_, chunk) => `batch-stop-e2e:chunk-${chunk}`);
    expect(terminated.body.terminated).toEqual(['batch-stop-e2e', ...blocked]);
    const view = await waitForBatch(host, 'stop-e2e');
    expect(view.runtimeStatus).toBe('Terminated');
    expect(view.status).toBe('failed');
    expect(view.error).toBe('test stop');
    // The run stopped while mapping, so the view still counts the map outcome blobs written before the terminate.
    expect(view.progress).toMatchObject({ phase: 'mapping', total: 30, chunks: 10, done: 22, failed: 0 });
    for (const id of blocked) {
      const chunk = await waitUntil(async () => {
        const found = await request(host, 'GET', `/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}`);
        return found.body.runtimeStatus !== 'Running' ? found : undefined;
      });
      expect({ id, runtimeStatus: chunk.body.runtimeStatus, output: chunk.body.output }).toEqual({
        id,
        runtimeStatus: 'Terminated',
        output: 'test stop',
      });
    }
    await Promise.all(leases.map((lease) => lease.releaseLease()));

    const purged = await request(host, 'DELETE', '/api/batches/stop-e2e');
    expect(purged.status).toBe(200);
    expect(purged.body.instancesDeleted).toBe(1 + 10);
    expect((await request(host, 'GET', '/api/batches/stop-e2e')).status).toBe(404);
    const chunk0 = await request(host, 'GET', '/runtime/webhooks/durabletask/instances/batch-stop-e2e%3Achunk-0');
    expect(chunk0.status).toBe(404);
  });

  it('invalid batch id is a 400', async () => {
    const response = await request(host, 'POST', '/api/batches/Not_Valid');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field: 'batchId', value: 'Not_Valid' });
    expect(String(response.body.error)).toContain('Invalid batchId "Not_Valid": use 1 to 63 characters');
  });

  it('malformed JSON body is a 400', async () => {
    await uploadBatch(host.blobs, 'body-e2e', [], SALES_MANIFEST);
    await waitForBatch(host, 'body-e2e');
    const response = await request(host, 'POST', '/api/batches/body-e2e', '{"oops"');
    expect(response.status).toBe(400);
    expect(String(response.body.error)).toContain('Request body is not valid JSON');

    const unknownField = await request(host, 'POST', '/api/batches/body-e2e', '{"force":true}');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({
      error: 'Unknown field "force" in request body; send no fields',
      field: 'force',
    });
    const notObject = await request(host, 'POST', '/api/batches/body-e2e/terminate', '[1]');
    expect(notObject.status).toBe(400);
    expect(notObject.body.error).toBe('Request body must be a JSON object, got [1]');
  });

  it.each([
    ['a number', '{"reason":42}', 42, '42'],
    ['an object', '{"reason":{"text":"stop"}}', { text: 'stop' }, '{"text":"stop"}'],
    ['null', '{"reason":null}', null, 'null'],
  ])('terminate reason as %s is a 400', async (_case, body, value, shown) => {
    const response = await request(host, 'POST', '/api/batches/reason-e2e/terminate', body);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: `Invalid field "reason" in request body: expected a string, got ${shown}`,
      field: 'reason',
      value,
    });
  });

  it('invalid orchestration input fails the run', async () => {
    const input = { batchId: 'input-e2e', runId: '../escape', mode: 'full' };
    const route = '/runtime/webhooks/durabletask/orchestrators/batchOrchestrator/batch-input-e2e';
    expect((await request(host, 'POST', route, JSON.stringify(input))).status).toBe(202);

    const view = await waitForBatch(host, 'input-e2e');

    expect(view.runtimeStatus).toBe('Failed');
    expect(String(view.error)).toContain('Invalid runId "../escape"');
  });

  it('failed activity shows no stack trace', async () => {
    await uploadBatch(host.blobs, 'stack-e2e', [csvFile('a.csv', makeRows(1, 4))], SALES_MANIFEST);
    await waitForBatch(host, 'stack-e2e');

    // The lease stays until the end of the test, so every attempt of the map activity fails and the run ends Failed
    // after the retry policy's 5 attempts, about 30 s.
    const lease = await startBlockedRun('stack-e2e', 'stack-run');

    const view = await waitForBatch(host, 'stack-e2e', { runId: 'stack-run', timeoutMs: 100000 });
    await lease.releaseLease();

    expect(view.runtimeStatus).toBe('Failed');
    expect(view.status).toBe('failed');
    expect(typeof view.error).toBe('string');
    expect(String(view.error)).not.toContain('    at ');
    const error = JSON.stringify(view.error);
    expect(error).toContain("Activity function 'mapBlob' failed: There is currently a lease on the blob");
    expect(error).not.toMatch(/\\n\s+at /);
    expect(error).not.toContain('.js:');
  });

  it('unknown batch is a 404', async () => {
    for (const [method, route] of [
      ['GET', '/api/batches/nobody'],
      ['POST', '/api/batches/nobody'],
      ['POST', '/api/batches/nobody/redrive'],
      ['POST', '/api/batches/nobody/terminate'],
      ['DELETE', '/api/batches/nobody'],
    ]) {
      const response = await request(host, method, route);
      expect({ method, route, status: response.status }).toEqual({ method, route, status: 404 });
      expect(typeof response.body.error).toBe('string');
    }
  });

  it('ignored events are logged with the reason', async () => {
    await sendEvents([
      {
        eventType: 'Microsoft.Storage.BlobCreated',
        subject: '/blobServices/default/containers/input/blobs/x/data.csv',
      },
    ]);
    const events = await waitForLog(host, 'starter.event-ignored', undefined, (found) =>
      found.some((event) => String(event.reason).includes('input/x/data.csv')),
    );
    expect(events.length).toBeGreaterThan(0);
  });

  it('stale manifest event is ignored', async () => {
    await uploadBatch(host.blobs, 'stale-e2e', [], SALES_MANIFEST);
    await waitForBatch(host, 'stale-e2e');

    await sendEvents([manifestEvent('stale-e2e', '0x8D000000000000', 'stale-copy')]);

    const events = await waitForLog(host, 'starter.event-ignored', 'stale-e2e', (found) => found.length > 0);
    expect(events[0]).toMatchObject({ reason: 'event is for an older manifest version', etag: '0x8D000000000000' });
  });

  it('invalid batch id in an event is logged', async () => {
    await uploadBatch(host.blobs, 'Bad_Batch', [], SALES_MANIFEST);

    const events = await waitForLog(host, 'starter.batch-id-invalid', 'Bad_Batch', (found) => found.length > 0);

    expect(String(events[0].error)).toContain('Invalid batchId "Bad_Batch"');
    expect((await request(host, 'GET', '/runtime/webhooks/durabletask/instances/batch-Bad_Batch')).status).toBe(404);
  });

  it('retried map activity completes the batch', async () => {
    const files = [csvFile('a.csv', makeRows(1, 8)), csvFile('b.csv', makeRows(2, 8))];
    await uploadBatch(host.blobs, 'retry-e2e', files, SALES_MANIFEST);
    await waitForBatch(host, 'retry-e2e');

    // A leased blob rejects writes without the lease id (HTTP 412), so the map activity of file 0 fails until the
    // lease is released. The run id is chosen here, so the blob can be leased before the run starts.
    const outcome = host.blobs.getContainerClient('work').getBlockBlobClient('retry-e2e/runs/fixed-run/map/0.json');
    await outcome.upload('{}', 2);
    const lease = outcome.getBlobLeaseClient();
    await lease.acquireLease(-1);
    const input = { batchId: 'retry-e2e', runId: 'fixed-run', mode: 'full' };
    const started = await request(
      host,
      'POST',
      '/runtime/webhooks/durabletask/orchestrators/batchOrchestrator/batch-retry-e2e',
      JSON.stringify(input),
    );
    expect(started.status).toBe(202);
    await waitForLog(host, 'activity.map-transient-error', 'retry-e2e', (events) => events.length > 0);
    await lease.releaseLease();

    const view = await waitForBatch(host, 'retry-e2e', { runId: 'fixed-run' });

    expect(view.status).toBe('completed');
    const summary = JSON.parse(await readResult(host.blobs, 'retry-e2e', 'summary.json'));
    expect(summary).toMatchObject({ runId: 'fixed-run', failedBlobs: 0 });
    expectGroups(summary.groups, expectedGroups(files.flatMap((file) => file.rows)));
    const transient = appEvents(host.logs, 'activity.map-transient-error').filter(
      (event) => event.batchId === 'retry-e2e',
    );
    expect(transient[0].blob).toBe('work/retry-e2e/runs/fixed-run/map/0.json');
    expect(String(transient[0].error)).toContain('lease');
  });
});

async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function waitForLog(
  host: BatchHost,
  event: string,
  batchId: string | undefined,
  done: (events: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>[]> {
  return waitUntil(async () => {
    const events = appEvents(host.logs, event).filter((found) => batchId === undefined || found.batchId === batchId);
    return done(events) ? events : undefined;
  });
}
