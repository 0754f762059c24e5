import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { Logger } from 'pino';
import { ConfigurationError } from '../config/errors';
import type { HostJsonSettings } from '../config/host-json';
import type { AppSettings } from '../config/local-settings';
import { resolveString } from '../config/setting-references';
import type { FunctionInvoker, RegisteredFunction } from '../contracts';
import { BlobEventWatcher } from './blob-event-watcher';
import { BlobEventStore } from './blob-event-store';
import { BlobEventRule, DEFAULT_BLOB_EVENTS_CONNECTION } from './blob-event-rule';
import { isHttpTrigger } from './http-functions';
import { QueueTriggerListener } from './queue-listener';
import { resolveConnectionString } from './storage-connection';

export interface TriggerContext {
  dataDir: string;
  settings: AppSettings;
  hostJson: HostJsonSettings;
  logger: Logger;
  invoker: FunctionInvoker;
  /** Functions not dispatched by the durable engine. */
  functions: RegisteredFunction[];
  options: { blobEvents?: BlobEventRule[]; blobEventPollMs?: number };
}

export interface StartedTriggers {
  stop(): Promise<void>;
}

const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Starts a queue listener for each queue-triggered function and a watcher for each blob event rule. */
export async function startTriggers(context: TriggerContext): Promise<StartedTriggers> {
  const started: { stop(): Promise<void> }[] = [];
  let store: BlobEventStore | undefined;
  const stop = async () => {
    for (const part of started.reverse()) await part.stop();
    store?.close();
  };

  try {
    for (const fn of context.functions) {
      const listener = queueListenerFor(fn, context);
      if (listener) {
        await listener.start();
        started.push(listener);
      } else if (!isHttpTrigger(fn)) {
        context.logger.warn(
          { functionName: fn.name, triggerType: fn.trigger.type },
          'trigger type not supported; function will not run',
        );
      }
    }
    const rules = context.options.blobEvents ?? [];
    if (rules.length > 0) store = new BlobEventStore(context.dataDir);
    for (const rule of rules) {
      const watcher = blobWatcherFor(rule, context, store as BlobEventStore);
      await watcher.start();
      started.push(watcher);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

function queueListenerFor(fn: RegisteredFunction, context: TriggerContext): QueueTriggerListener | undefined {
  if (fn.trigger.type.toLowerCase() !== 'queuetrigger') return undefined;
  const usedBy = `Function "${fn.name}"`;
  const queueName = resolveString(
    String(fn.trigger.queueName ?? ''),
    context.settings,
    `${usedBy} queueName`,
  ).toLowerCase();
  if (!QUEUE_NAME.test(queueName)) {
    throw new ConfigurationError(
      `${usedBy} listens on queue "${queueName}", which is not a valid queue name: use 3 to 63 lower-case letters, digits and single hyphens`,
    );
  }
  const connectionString = resolveConnectionString(fn.trigger.connection, context.settings, usedBy);
  const service = QueueServiceClient.fromConnectionString(connectionString);
  return new QueueTriggerListener({
    fn,
    queue: service.getQueueClient(queueName),
    poisonQueue: service.getQueueClient(`${queueName}-poison`),
    options: context.hostJson.queues,
    invoker: context.invoker,
    logger: context.logger,
  });
}

function blobWatcherFor(rule: BlobEventRule, context: TriggerContext, store: BlobEventStore): BlobEventWatcher {
  const connection = rule.connection ?? DEFAULT_BLOB_EVENTS_CONNECTION;
  const connectionString = resolveConnectionString(
    connection,
    context.settings,
    `Blob events for container "${rule.container}"`,
  );
  return new BlobEventWatcher({
    rule,
    container: BlobServiceClient.fromConnectionString(connectionString).getContainerClient(rule.container),
    queue: QueueServiceClient.fromConnectionString(connectionString).getQueueClient(rule.queue),
    store,
    messageEncoding: context.hostJson.queues.messageEncoding,
    pollMs: context.options.blobEventPollMs ?? 1000,
    logger: context.logger,
  });
}
