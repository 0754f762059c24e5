import { randomUUID } from 'node:crypto';
import type { DequeuedMessageItem } from '@azure/storage-queue';
import type { RpcTypedData } from '../contracts';

/** The queue message body is not valid for the configured `messageEncoding`. */
export class MessageDecodingError extends Error {
  override name = 'MessageDecodingError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a message body with host.json `extensions.queues.messageEncoding`. */
export function decodeMessageText(text: string, encoding: 'base64' | 'none'): string {
  if (encoding === 'none') return text;
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new MessageDecodingError(
      'The message is not valid base64: send base64 text or set host.json extensions.queues.messageEncoding to "none"',
    );
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** Encodes a message body with host.json `extensions.queues.messageEncoding`. */
export function encodeMessageText(text: string, encoding: 'base64' | 'none'): string {
  return encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
}

/** Trigger metadata of a queue message, with the names and types the Functions host sends. */
export function queueTriggerMetadata(message: DequeuedMessageItem, functionName: string): Record<string, RpcTypedData> {
  const json = (value: unknown): RpcTypedData => ({ json: JSON.stringify(value) });
  return {
    Id: json(message.messageId),
    DequeueCount: json(message.dequeueCount),
    InsertionTime: json(message.insertedOn.toISOString()),
    ExpirationTime: json(message.expiresOn.toISOString()),
    NextVisibleTime: json(message.nextVisibleOn.toISOString()),
    PopReceipt: json(message.popReceipt),
    sys: json({ MethodName: functionName, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
  };
}
