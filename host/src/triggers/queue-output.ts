import { QueueServiceClient } from '@azure/storage-queue';
import type { QueueOptions } from '../config/host-json';
import type { AppSettings } from '../config/local-settings';
import { resolveString } from '../config/setting-references';
import type { BindingInfo, RegisteredFunction, RpcTypedData } from '../contracts';
import type { OutputBindingWriter } from '../worker/function-invoker';
import { encodeMessageText } from './queue-message';
import { resolveConnectionString, STORAGE_CLIENT_OPTIONS } from './storage-connection';

/**
 * Writes `output.storageQueue` values as the Functions host does. An array sends one message per item and any
 * other value one message. Strings are sent as they are and other values as JSON. Missing queues are created.
 */
export function createQueueOutputWriter(settings: AppSettings, options: QueueOptions): OutputBindingWriter {
  const created = new Set<string>();
  return async (_fn: RegisteredFunction, _bindingName: string, binding: BindingInfo, data: RpcTypedData) => {
    const usedBy = 'The queue output';
    const queueName = resolveString(String(binding.queueName ?? ''), settings, `${usedBy} queueName`).toLowerCase();
    const connectionString = resolveConnectionString(binding.connection, settings, usedBy);
    const queue = QueueServiceClient.fromConnectionString(connectionString, STORAGE_CLIENT_OPTIONS).getQueueClient(
      queueName,
    );

    const key = `${connectionString}\n${queueName}`;
    if (!created.has(key)) {
      await queue.createIfNotExists();
      created.add(key);
    }
    for (const message of queueMessages(data, options.messageEncoding)) await queue.sendMessage(message);
  };
}

function queueMessages(data: RpcTypedData, encoding: 'base64' | 'none'): string[] {
  if (data.bytes) {
    const bytes = Buffer.from(data.bytes);
    return [encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8')];
  }
  const text = (value: unknown) =>
    encodeMessageText(typeof value === 'string' ? value : JSON.stringify(value), encoding);
  if (data.json !== undefined) {
    const value: unknown = JSON.parse(data.json);
    return Array.isArray(value) ? value.map(text) : [text(value)];
  }
  if (data.string !== undefined) return [text(data.string)];
  if (data.int !== undefined) return [text(data.int)];
  if (data.double !== undefined) return [text(data.double)];
  return [];
}
