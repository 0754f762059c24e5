import { INPUT_CONTAINER, MANIFEST_BLOB_NAME } from '../settings';

export const BLOB_CREATED_EVENT = 'Microsoft.Storage.BlobCreated';

/** A BlobCreated event for `input/<batchId>/_manifest.json`; the batch id is not validated yet. */
export interface ManifestEvent {
  kind: 'manifest';
  batchId: string;
  etag?: string;
  eventId?: string;
}

export interface IgnoredEvent {
  kind: 'ignored';
  reason: string;
  subject?: string;
  eventId?: string;
}

export type ClassifiedEvent = ManifestEvent | IgnoredEvent;

/**
 * Turns a queue message into the events it carries. Event Grid writes one event per message, base64-encoded, and
 * the Functions host usually decodes it and passes an object. A plain JSON string, a base64 string of JSON and an
 * array of events (Event Grid or CloudEvents schema) are accepted too.
 */
export function decodeQueueMessage(message: unknown): unknown[] {
  let value = message;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') value = parseJsonOrBase64Json(value);
  if (Array.isArray(value)) return value;
  return value === undefined ? [] : [value];
}

function parseJsonOrBase64Json(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return tryParse(trimmed);

  const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
  return decoded.startsWith('{') || decoded.startsWith('[') ? tryParse(decoded) : text;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Classifies one event: a manifest BlobCreated event, or ignored with the reason. */
export function classifyEvent(event: unknown): ClassifiedEvent {
  if (typeof event !== 'object' || event === null) {
    return { kind: 'ignored', reason: `message is not a JSON event object: ${JSON.stringify(event)?.slice(0, 200)}` };
  }
  const fields = event as Record<string, unknown>;
  const eventId = typeof fields.id === 'string' ? fields.id : undefined;
  const subject = typeof fields.subject === 'string' ? fields.subject : undefined;
  const type = fields.eventType ?? fields.type;
  if (type !== BLOB_CREATED_EVENT) {
    return {
      kind: 'ignored',
      reason: `event type ${JSON.stringify(type)} is not ${BLOB_CREATED_EVENT}`,
      subject,
      eventId,
    };
  }

  const data = (typeof fields.data === 'object' && fields.data !== null ? fields.data : {}) as Record<string, unknown>;
  const location = blobFromSubject(subject) ?? blobFromUrl(data.url);
  if (!location) return { kind: 'ignored', reason: 'event names no blob in its subject or data.url', subject, eventId };

  const batchId = manifestBatchId(location);
  if (batchId === undefined) {
    const where = `${location.container}/${location.blob}`;
    const reason = `blob ${where} is not ${INPUT_CONTAINER}/<batchId>/${MANIFEST_BLOB_NAME}`;
    return { kind: 'ignored', reason, subject, eventId };
  }
  let etag: string | undefined;
  if (typeof data.eTag === 'string') etag = data.eTag;
  else if (typeof data.etag === 'string') etag = data.etag;
  return { kind: 'manifest', batchId, etag, eventId };
}

interface BlobLocation {
  container: string;
  blob: string;
}

/** Parses `/blobServices/default/containers/<container>/blobs/<blob>`. */
function blobFromSubject(subject: string | undefined): BlobLocation | undefined {
  const match = subject ? /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/.exec(subject) : null;
  return match ? { container: match[1], blob: match[2] } : undefined;
}

/** Parses `https://<account>.blob.core.windows.net/<container>/<blob>` or Azurite's `http://host/<account>/<container>/<blob>`. */
function blobFromUrl(url: unknown): BlobLocation | undefined {
  if (typeof url !== 'string') return undefined;
  let segments: string[];
  try {
    const parsed = new URL(url);
    segments = parsed.pathname.split('/').slice(1).map(decodeURIComponent);
    const pathStyle = /^(\d+\.\d+\.\d+\.\d+|localhost|\[[0-9a-f:]+\])$/i.test(parsed.hostname);
    if (pathStyle) segments = segments.slice(1);
  } catch {
    return undefined;
  }
  return segments.length >= 2 ? { container: segments[0], blob: segments.slice(1).join('/') } : undefined;
}

function manifestBatchId(location: BlobLocation): string | undefined {
  if (location.container !== INPUT_CONTAINER) return undefined;
  const parts = location.blob.split('/');
  return parts.length === 2 && parts[1] === MANIFEST_BLOB_NAME && parts[0] !== '' ? parts[0] : undefined;
}
