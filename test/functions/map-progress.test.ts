import { BlobServiceClient } from '@azure/storage-blob';
import { DurableClient, DurableOrchestrationStatus, OrchestrationRuntimeStatus } from 'durable-functions';
import { buildBatchView } from '../../functions/src/batch/batch-view';
import { listBatchFiles } from '../../functions/src/batch/list-files';
import { mapBlob } from '../../functions/src/batch/map-blob';
import { newRunId } from '../../functions/src/batch/run-control';
import { EventLogger } from '../../functions/src/telemetry/log';
import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';
import { csvFile, makeRows, SALES_MANIFEST, uploadBatch } from './support/batch-data';

const logger: EventLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A status as the Durable client returns it for a run that is in its map phase. */
function mappingStatus(batchId: string, runId: string, total: number): DurableOrchestrationStatus {
  return {
    name: 'batchOrchestrator',
    instanceId: `batch-${batchId}`,
    runtimeStatus: OrchestrationRuntimeStatus.Running,
    input: { batchId, runId, mode: 'full' },
    customStatus: { phase: 'mapping', total, done: 0, failed: 0, chunks: 1 },
    output: null,
    createdTime: new Date(),
    lastUpdatedTime: new Date(),
  } as DurableOrchestrationStatus;
}

describe('batch progress during the map phase', () => {
  let azurite: RunningAzurite;

  beforeAll(async () => {
    azurite = await startAzurite();
    process.env.DataStorage = azurite.connectionString;
  });

  afterAll(async () => {
    delete process.env.DataStorage;
    await azurite.stop();
  });

  it('counts files mapped before the fan-in completes', async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const files = [
      csvFile('a.csv', makeRows(1, 20)),
      { name: 'b.csv', content: Buffer.from([0, 1, 2, 0, 255]) },
      csvFile('c.csv', makeRows(2, 20)),
      csvFile('d.csv', makeRows(3, 20)),
    ];
    await uploadBatch(service, 'progress', files, SALES_MANIFEST);
    const runId = newRunId();
    const listing = await listBatchFiles({ batchId: 'progress', runId, mode: 'full' }, logger);
    if (!listing.ok) throw new Error(`listing failed: ${JSON.stringify(listing.error)}`);

    for (const group of [0, 1, 2]) {
      await mapBlob({ batchId: 'progress', runId, chunkIndex: 0, group }, logger);
    }
    // The Durable client is only asked for chunk statuses when a run has more than one chunk.
    const view = await buildBatchView({} as DurableClient, 'progress', mappingStatus('progress', runId, 4));

    // Finished files count as done whether they failed or not, as in the orchestrator's own counts.
    expect(view.progress?.done).toBe(3);
    expect(view.progress?.failed).toBe(1);
    expect(view.progress?.total).toBe(4);
  });

  it('counts every file of a map group', async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const files = Array.from({ length: 64 }, (_, index) =>
      index === 1
        ? { name: 'f01.csv', content: 'region\neu\n' }
        : csvFile(`f${String(index).padStart(2, '0')}.csv`, makeRows(index, 2)),
    );
    await uploadBatch(service, 'grouped-progress', files, SALES_MANIFEST);
    const runId = newRunId();
    const listing = await listBatchFiles({ batchId: 'grouped-progress', runId, mode: 'full' }, logger);
    if (!listing.ok) throw new Error(`listing failed: ${JSON.stringify(listing.error)}`);

    await mapBlob({ batchId: 'grouped-progress', runId, chunkIndex: 0, group: 0 }, logger);
    await mapBlob({ batchId: 'grouped-progress', runId, chunkIndex: 0, group: 5 }, logger);
    const view = await buildBatchView(
      {} as DurableClient,
      'grouped-progress',
      mappingStatus('grouped-progress', runId, 64),
    );

    // 64 files make 16 groups of 4.
    expect(view.progress).toMatchObject({ done: 8, failed: 1, total: 64 });

    // A run whose map activity failed on every attempt ends Failed in the mapping phase and keeps these counts.
    const failedRun = {
      ...mappingStatus('grouped-progress', runId, 64),
      runtimeStatus: OrchestrationRuntimeStatus.Failed,
    };
    const failedView = await buildBatchView({} as DurableClient, 'grouped-progress', failedRun);
    expect(failedView.progress).toMatchObject({ done: 8, failed: 1, total: 64 });
  });
});
