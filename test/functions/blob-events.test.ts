import { classifyEvent, decodeQueueMessage } from '../../functions/src/batch/blob-events';

function eventGridEvent(container: string, blob: string, overrides: Record<string, unknown> = {}) {
  return {
    id: 'e1',
    topic: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/stdata',
    subject: `/blobServices/default/containers/${container}/blobs/${blob}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: '2026-12-04T16:00:00Z',
    data: { api: 'PutBlob', eTag: '0x8DD1', url: `https://stdata.blob.core.windows.net/${container}/${blob}` },
    dataVersion: '',
    metadataVersion: '1',
    ...overrides,
  };
}

describe('decodeQueueMessage', () => {
  const event = eventGridEvent('input', 'b1/_manifest.json');

  it('passes an object through', () => {
    expect(decodeQueueMessage(event)).toEqual([event]);
  });

  it('parses a plain JSON string', () => {
    expect(decodeQueueMessage(JSON.stringify(event))).toEqual([event]);
  });

  it('decodes base64 JSON', () => {
    expect(decodeQueueMessage(Buffer.from(JSON.stringify(event)).toString('base64'))).toEqual([event]);
  });

  it('decodes a buffer', () => {
    expect(decodeQueueMessage(Buffer.from(JSON.stringify(event)))).toEqual([event]);
  });

  it('flattens an array of events', () => {
    expect(decodeQueueMessage(JSON.stringify([event, event]))).toHaveLength(2);
  });

  it('keeps text that is not JSON as one item', () => {
    expect(decodeQueueMessage('hello')).toEqual(['hello']);
  });
});

describe('classifyEvent', () => {
  it('accepts a manifest in the Event Grid schema', () => {
    const event = eventGridEvent('input', 'b1/_manifest.json');
    expect(classifyEvent(event)).toEqual({ kind: 'manifest', batchId: 'b1', etag: '0x8DD1', eventId: 'e1' });
  });

  it('accepts a manifest in the CloudEvents schema', () => {
    const cloudEvent = {
      specversion: '1.0',
      type: 'Microsoft.Storage.BlobCreated',
      source: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/stdata',
      id: 'c1',
      subject: '/blobServices/default/containers/input/blobs/b2/_manifest.json',
      data: { eTag: '0x8DD2' },
    };
    expect(classifyEvent(cloudEvent)).toEqual({ kind: 'manifest', batchId: 'b2', etag: '0x8DD2', eventId: 'c1' });
  });

  it('reads the blob from an Azurite URL without subject', () => {
    const event = {
      eventType: 'Microsoft.Storage.BlobCreated',
      data: { url: 'http://127.0.0.1:10000/devstoreaccount1/input/b3/_manifest.json' },
    };
    expect(classifyEvent(event)).toMatchObject({ kind: 'manifest', batchId: 'b3' });
  });

  it('reads the blob from an Azure URL without subject', () => {
    const event = {
      eventType: 'Microsoft.Storage.BlobCreated',
      data: { url: 'https://stdata.blob.core.windows.net/input/b4/_manifest.json' },
    };
    expect(classifyEvent(event)).toMatchObject({ kind: 'manifest', batchId: 'b4' });
  });

  it('ignores a data file', () => {
    expect(classifyEvent(eventGridEvent('input', 'b1/part-1.csv'))).toMatchObject({
      kind: 'ignored',
      reason: 'blob input/b1/part-1.csv is not input/<batchId>/_manifest.json',
    });
  });

  it('ignores a nested manifest', () => {
    expect(classifyEvent(eventGridEvent('input', 'a/b/_manifest.json'))).toMatchObject({ kind: 'ignored' });
  });

  it('ignores another container', () => {
    expect(classifyEvent(eventGridEvent('results', 'b1/_manifest.json'))).toMatchObject({
      kind: 'ignored',
      reason: 'blob results/b1/_manifest.json is not input/<batchId>/_manifest.json',
    });
  });

  it('ignores other event types', () => {
    const event = eventGridEvent('input', 'b1/_manifest.json', { eventType: 'Microsoft.Storage.BlobDeleted' });
    expect(classifyEvent(event)).toMatchObject({
      kind: 'ignored',
      reason: 'event type "Microsoft.Storage.BlobDeleted" is not Microsoft.Storage.BlobCreated',
    });
  });

  it('ignores text that is not an event', () => {
    expect(classifyEvent('hello')).toMatchObject({
      kind: 'ignored',
      reason: 'message is not a JSON event object: "hello"',
    });
  });

  it('keeps an invalid batch id for the starter to reject', () => {
    expect(classifyEvent(eventGridEvent('input', 'Bad_Id/_manifest.json'))).toMatchObject({
      kind: 'manifest',
      batchId: 'Bad_Id',
    });
  });
});
