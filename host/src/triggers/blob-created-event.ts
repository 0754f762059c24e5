import { randomUUID } from 'node:crypto';
import type { BlobItem } from '@azure/storage-blob';

/** Subscription id in local topics; Azurite accounts belong to no subscription. */
const LOCAL_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

export interface BlobCreatedSource {
  accountName: string;
  container: string;
  blob: BlobItem;
  /** URL of the blob as the storage service serves it. */
  url: string;
  sequencer: string;
}

/** The Event Grid event schema as delivered to a storage queue (one event per message). */
export interface BlobCreatedEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: 'Microsoft.Storage.BlobCreated';
  eventTime: string;
  dataVersion: string;
  metadataVersion: string;
  data: {
    api: string;
    clientRequestId: string;
    requestId: string;
    eTag: string;
    contentType: string;
    contentLength: number;
    blobType: string;
    url: string;
    sequencer: string;
    storageDiagnostics: { batchId: string };
  };
}

export function blobSubject(container: string, blobName: string): string {
  return `/blobServices/default/containers/${container}/blobs/${blobName}`;
}

/**
 * Builds the `Microsoft.Storage.BlobCreated` event Azure Storage publishes for a new or overwritten blob.
 * NOTE: a listing cannot tell which operation wrote the blob, so `api` is always "PutBlob" (Azure also sends
 * "PutBlockList", "CopyBlob" and others).
 */
export function blobCreatedEvent(source: BlobCreatedSource): BlobCreatedEvent {
  const properties = source.blob.properties;
  return {
    id: randomUUID(),
    topic: `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/${source.accountName}`,
    subject: blobSubject(source.container, source.blob.name),
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(),
    dataVersion: '',
    metadataVersion: '1',
    data: {
      api: 'PutBlob',
      clientRequestId: randomUUID(),
      requestId: randomUUID(),
      eTag: (properties.etag ?? '').replace(/^"|"$/g, ''),
      contentType: properties.contentType ?? 'application/octet-stream',
      contentLength: properties.contentLength ?? 0,
      blobType: properties.blobType ?? 'BlockBlob',
      url: source.url,
      sequencer: source.sequencer,
      storageDiagnostics: { batchId: randomUUID() },
    },
  };
}
