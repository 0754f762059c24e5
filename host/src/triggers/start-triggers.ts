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
import { BlobEventRule, DEFAULT_BLOB_EVENTS_CONNECTION, validateBlobEventRule } from './blob-event-rule';
import { isHttpTrigger } from './http-functions';
import { QueueTriggerListener } from './queue-listener';
import { resolveConnectionString, STORAGE_CLIENT_OPTIONS } from './storage-connection';
import { TimerTriggerListener } from './timer-listener';
import { parseTimerSchedule } from './timer-schedule';
import { TimerStore } from './timer-store';

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

/** Starts a listener for each queue- and timer-triggered function and a watcher for each blob event rule. */
export async function startTriggers(context: TriggerContext): Promise<StartedTriggers> {
  const started: { stop(): Promise<void> }[] = [];
  const stores: { close(): void }[] = [];
  const stop = async () => {
    for (const part of started.reverse()) await part.stop();
    for (const store of stores) store.close();
  };

  try {
    await startFunctionTriggers(context, started, stores);
    await startBlobEventWatchers(context, started, stores);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

type Startable = { stop(): Promise<void> };

async function startFunctionTriggers(context: TriggerContext, started: Startable[], stores: { close(): void }[]) {
  let timerStore: TimerStore | undefined;
  for (const fn of context.functions) {
    const type = fn.trigger.type.toLowerCase();
    if (type === 'queuetrigger') {
      const listener = queueListenerFor(fn, context);
      await listener.start();
      started.push(listener);
    } else if (type === 'timertrigger') {
      if (!timerStore) stores.push((timerStore = new TimerStore(context.dataDir)));
      const listener = timerListenerFor(fn, context, timerStore);
      listener.start();
      started.push(listener);
    } else if (!isHttpTrigger(fn)) {
      context.logger.warn(
        { functionName: fn.name, triggerType: fn.trigger.type },
        'trigger type not supported; function will not run',
      );
    }
  }
}

async function startBlobEventWatchers(context: TriggerContext, started: Startable[], stores: { close(): void }[]) {
  const rules = context.options.blobEvents ?? [];
  if (rules.length === 0) return;
  const store = new BlobEventStore(context.dataDir);
  stores.push(store);
  for (const rule of rules) {
    const watcher = blobWatcherFor(validateBlobEventRule(rule), context, store);
    await watcher.start();
    started.push(watcher);
  }
}

function timerListenerFor(fn: RegisteredFunction, context: TriggerContext, store: TimerStore): TimerTriggerListener {
  const usedBy = `Function "${fn.name}"`;
  const text = resolveString(String(fn.trigger.schedule ?? ''), context.settings, `${usedBy} schedule`);
  const timeZone = context.settings.WEBSITE_TIME_ZONE ?? context.settings.TZ ?? 'UTC';
  const schedule = parseTimerSchedule(text, fn.name, timeZone);
  const useMonitor =
    typeof fn.trigger.useMonitor === 'boolean' ? fn.trigger.useMonitor : schedule.intervalMs(new Date()) >= 60000;
  return new TimerTriggerListener({
    fn,
    schedule,
    runOnStartup: fn.trigger.runOnStartup === true,
    useMonitor,
    store,
    invoker: context.invoker,
    logger: context.logger,
  });
}

function queueListenerFor(fn: RegisteredFunction, context: TriggerContext): QueueTriggerListener {
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
  const service = QueueServiceClient.fromConnectionString(connectionString, STORAGE_CLIENT_OPTIONS);
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
    container: BlobServiceClient.fromConnectionString(connectionString, STORAGE_CLIENT_OPTIONS).getContainerClient(
      rule.container,
    ),
    queue: QueueServiceClient.fromConnectionString(connectionString, STORAGE_CLIENT_OPTIONS).getQueueClient(rule.queue),
    store,
    messageEncoding: context.hostJson.queues.messageEncoding,
    pollMs: context.options.blobEventPollMs ?? 1000,
    logger: context.logger,
  });
}
