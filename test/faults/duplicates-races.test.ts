/**
 * At-least-once delivery and concurrent requests: repeated manifest events, a changed manifest after a run, and
 * start and terminate racing on one instance id. Blob events of the host are off, so every event is sent here.
 */
import { uploadManifest } from '../functions/support/batch-data';
import { pause, readJsonBlob, requestJson, taskHubInstances, waitFor, waitForBatchEnd } from './support/batch-api';
import { appEvents } from './support/app-events';
import { FaultStack, startFaultStack } from './support/fault-stack';
import { SALES_MANIFEST, salesFiles, uploadSalesBatch } from './support/sales-batch';

const WEBHOOK = '/runtime/webhooks/durabletask';

/** Builds the Event Grid BlobCreated event of a manifest, as Azure Storage publishes it. */
function manifestEvent(batchId: string, etag: string) {
  return {
    id: `event-${batchId}-${etag}`,
    topic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
    subject: `/blobServices/default/containers/input/blobs/${batchId}/_manifest.json`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(),
    data: { api: 'PutBlob', eTag: etag, url: `http://127.0.0.1/devstoreaccount1/input/${batchId}/_manifest.json` },
    dataVersion: '',
    metadataVersion: '1',
  };
}

interface RaceOutcome {
  start: number;
  terminate: number;
}

/** Ways to race a start and a terminate of one batch, through the batch API and through the Durable API. */
const RACES: { name: string; run: (url: string, batchId: string, index: number) => Promise<RaceOutcome> }[] = [
  {
    name: 'batch API, sent together',
    run: async (url, batchId) => {
      const [start, terminate] = await Promise.all([
        requestJson(url, 'POST', `/api/batches/${batchId}`),
        requestJson(url, 'POST', `/api/batches/${batchId}/terminate`),
      ]);
      return { start: start.status, terminate: terminate.status };
    },
  },
  {
    name: 'batch API, terminate right after the 202',
    run: async (url, batchId) => {
      const start = await requestJson(url, 'POST', `/api/batches/${batchId}`);
      const terminate = await requestJson(url, 'POST', `/api/batches/${batchId}/terminate`);
      return { start: start.status, terminate: terminate.status };
    },
  },
  {
    name: 'Durable API, sent together',
    run: async (url, batchId, index) => {
      const input = JSON.stringify({ batchId, runId: `race-run-${index}`, mode: 'full' });
      const [start, terminate] = await Promise.all([
        requestJson(url, 'POST', `${WEBHOOK}/orchestrators/batchOrchestrator/batch-${batchId}`, input),
        pause(index % 3).then(() =>
          requestJson(url, 'POST', `${WEBHOOK}/instances/batch-${batchId}/terminate?reason=race`),
        ),
      ]);
      return { start: start.status, terminate: terminate.status };
    },
  },
];

describe('duplicate events and racing requests', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack('races', { blobEvents: false });
  });

  afterAll(() => stack?.stop());

  const manifestEtag = async (batchId: string) =>
    String(
      (await stack.blobs.getContainerClient('input').getBlobClient(`${batchId}/_manifest.json`).getProperties()).etag,
    );

  const deliver = async (events: unknown[]) => {
    const queue = stack.queues.getQueueClient('blob-created');
    await queue.createIfNotExists();
    await Promise.all(events.map((event) => queue.sendMessage(Buffer.from(JSON.stringify(event)).toString('base64'))));
  };

  /** Waits until the starter has handled `count` events of the batch, whatever it decided. */
  const starterDecisions = (batchId: string, count: number) =>
    waitFor(async () => {
      const names = [
        'starter.batch-started',
        'starter.duplicate-manifest',
        'starter.batch-busy',
        'starter.start-raced',
      ];
      const decisions = names.flatMap((name) => appEvents(stack.logFile, name, batchId).map(() => name));
      return decisions.length >= count ? decisions : undefined;
    }, `${count} starter decisions for ${batchId}`);

  it('same event delivered three times starts one run', async () => {
    await uploadSalesBatch(stack.blobs, 'triple', salesFiles(20, 100), SALES_MANIFEST);
    const event = manifestEvent('triple', await manifestEtag('triple'));

    await deliver([event, event, event]);
    const decisions = await starterDecisions('triple', 3);
    const view = await waitForBatchEnd(() => stack.host.url, 'triple');
    await pause(1000);

    expect(decisions.filter((name) => name === 'starter.batch-started')).toHaveLength(1);
    expect(decisions).toHaveLength(3);
    expect(view.status).toBe('completed');
    const history = await requestJson(stack.host.url, 'GET', `${WEBHOOK}/instances/batch-triple?showHistory=true`);
    const starts = (history.body.historyEvents as { EventType: string }[]).filter(
      (entry) => entry.EventType === 'ExecutionStarted',
    );
    expect(starts).toHaveLength(1);
    expect((await waitForBatchEnd(() => stack.host.url, 'triple')).runId).toBe(view.runId);
  });

  it('changed manifest after the run starts a new run', async () => {
    await uploadSalesBatch(stack.blobs, 'changed', salesFiles(5, 50), SALES_MANIFEST);
    const oldEvent = manifestEvent('changed', await manifestEtag('changed'));
    await deliver([oldEvent]);
    const first = await waitForBatchEnd(() => stack.host.url, 'changed');

    await uploadManifest(stack.blobs, 'changed', { ...SALES_MANIFEST, toleratedFailurePercentage: 5 });
    await deliver([manifestEvent('changed', await manifestEtag('changed')), oldEvent]);
    const second = await waitForBatchEnd(() => stack.host.url, 'changed', { notRunId: String(first.runId) });
    await starterDecisions('changed', 2);

    expect(second.status).toBe('completed');
    expect(appEvents(stack.logFile, 'starter.batch-started', 'changed')).toHaveLength(2);
    const summary = (await readJsonBlob(stack.blobs, 'results', 'changed/summary.json')) as Record<string, unknown>;
    expect(summary).toMatchObject({ runId: second.runId, toleratedFailurePercentage: 5 });
    const stale = appEvents(stack.logFile, 'starter.event-ignored', 'changed');
    expect(stale.map((event) => event.reason)).toEqual(['event is for an older manifest version']);
  });

  it('start and terminate racing leave no instance pending', async () => {
    const batchIds = Array.from({ length: 12 }, (_, index) => `race-${index}`);
    for (const batchId of batchIds) await uploadSalesBatch(stack.blobs, batchId, salesFiles(30, 50), SALES_MANIFEST);

    const outcomes: string[] = [];
    const terminated: string[] = [];
    for (const [index, batchId] of batchIds.entries()) {
      const race = RACES[index % RACES.length];
      const { start, terminate } = await race.run(stack.host.url, batchId, index);
      outcomes.push(`${batchId} (${race.name}): start ${start}, terminate ${terminate}`);
      expect({ batchId, start }).toEqual({ batchId, start: 202 });
      if (terminate === 202) terminated.push(`batch-${batchId}`);
    }

    const settled = await waitFor(
      async () => {
        const rows = taskHubInstances(stack.dataDir).filter((row) => row.instance_id.startsWith('batch-race-'));
        const active = rows.filter((row) => ['Pending', 'Running'].includes(row.status));
        return active.length === 0 && rows.length >= batchIds.length ? rows : undefined;
      },
      'every raced instance to end',
      60000,
    );
    process.stdout.write(`${outcomes.join('\n')}\n`);
    const parents = settled.filter((row) => !row.instance_id.includes(':'));
    expect(parents.map((row) => row.instance_id).sort()).toEqual(batchIds.map((id) => `batch-${id}`).sort());
    const accepted = parents.filter((row) => terminated.includes(row.instance_id));
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((row) => row.status !== 'Terminated')).toEqual([]);
  });
});
