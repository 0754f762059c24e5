import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import fs from 'node:fs';
import path from 'node:path';
import type { RunningAzurite } from '../../../scripts/src/azurite';
import type { BlobCreatedEvent } from '../../../host/src/triggers/blob-created-event';
import { RunningHost, startHost } from '../../../host/src/host';
import { useAzurite } from '../../support/azurite';
import { captureLogs, FIXTURE_APPS, tempDir, waitFor } from '../worker/host-fixtures';

/** Event Grid writes the ETag without the quotes of the HTTP header. */
const unquoted = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');

describe('blob created events', () => {
  let azurite: RunningAzurite;
  let container: ContainerClient;
  let queue: QueueClient;
  let dataDir: string;
  let host: RunningHost | undefined;

  beforeAll(async () => {
    azurite = await useAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('input');
    queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('blob-created');
    dataDir = tempDir('blob-events');
  });

  afterAll(async () => {
    await host?.stop();
    await azurite.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<RunningHost> {
    return startHost({
      appDir: path.join(FIXTURE_APPS, 'basic-http'),
      port: 0,
      dataDir,
      settings: { DataStorage: azurite.connectionString },
      blobEvents: [{ container: 'input', queue: 'blob-created', subjectSuffix: '/_manifest.json' }],
      blobEventPollMs: 100,
      logger: captureLogs().logger,
    });
  }

  /** Receives and deletes every message now on the queue, decoded from base64. */
  async function drainEvents(): Promise<BlobCreatedEvent[]> {
    const events: BlobCreatedEvent[] = [];
    for (;;) {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
      if (receivedMessageItems.length === 0) return events;
      for (const message of receivedMessageItems) {
        events.push(JSON.parse(Buffer.from(message.messageText, 'base64').toString()) as BlobCreatedEvent);
        await queue.deleteMessage(message.messageId, message.popReceipt);
      }
    }
  }

  async function nextEvents(count: number): Promise<BlobCreatedEvent[]> {
    const events: BlobCreatedEvent[] = [];
    await waitFor(async () => {
      events.push(...(await drainEvents()));
      return events.length >= count ? true : undefined;
    });
    return events;
  }

  it('publishes one BlobCreated event for a manifest and ignores other blobs', async () => {
    host = await start();
    await container.getBlockBlobClient('b1/data.csv').upload('a,b\n1,2\n', 8);
    const manifest = '{"format":"csv"}';
    const uploaded = await container
      .getBlockBlobClient('b1/_manifest.json')
      .upload(manifest, manifest.length, { blobHTTPHeaders: { blobContentType: 'application/json' } });

    const [event, ...others] = await nextEvents(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...others, ...(await drainEvents())]).toEqual([]);

    expect(event.eventType).toBe('Microsoft.Storage.BlobCreated');
    expect(event.subject).toBe('/blobServices/default/containers/input/blobs/b1/_manifest.json');
    expect(event.data.url).toBe(container.getBlobClient('b1/_manifest.json').url);
    expect(event.data.eTag).toBe(unquoted(uploaded.etag));
    expect(event.data.contentType).toBe('application/json');
    expect(event.data.contentLength).toBe(manifest.length);
    expect(event.data.blobType).toBe('BlockBlob');
    expect(event.data.sequencer).toMatch(/^[0-9a-f]{32}$/);
    expect(event.topic).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\/devstoreaccount1$/);
    expect(event.metadataVersion).toBe('1');
    expect(Date.parse(event.eventTime)).not.toBeNaN();
  });

  it('publishes again when the manifest is overwritten', async () => {
    const manifest = '{"format":"ndjson"}';
    const overwritten = await container.getBlockBlobClient('b1/_manifest.json').upload(manifest, manifest.length);

    const events = await nextEvents(1);
    expect(events).toHaveLength(1);
    expect(events[0].data.eTag).toBe(unquoted(overwritten.etag));
  });

  it('does not publish seen blobs again after a restart', async () => {
    await host?.stop();
    host = await start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await drainEvents()).toEqual([]);

    await container.getBlockBlobClient('b2/_manifest.json').upload('{}', 2);
    const events = await nextEvents(1);
    expect(events.map((event) => event.subject)).toEqual([
      '/blobServices/default/containers/input/blobs/b2/_manifest.json',
    ]);
  });

  it('numbers events with increasing sequencers', async () => {
    await container.getBlockBlobClient('b3/_manifest.json').upload('{}', 2);
    await container.getBlockBlobClient('b4/_manifest.json').upload('{}', 2);
    const events = await nextEvents(2);
    const sequencers = events.map((event) => event.data.sequencer);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(2);
  });
});
