import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { Logger } from 'pino';
import type { QueueOptions } from '../config/host-json';
import type { FunctionInvoker, RegisteredFunction } from '../contracts';
import { decodeMessageText, queueTriggerMetadata } from './queue-message';
import { sleep } from './sleep';
import { withStorageContext } from './storage-connection';

export interface QueueListenerOptions {
  fn: RegisteredFunction;
  queue: QueueClient;
  poisonQueue: QueueClient;
  options: QueueOptions;
  invoker: FunctionInvoker;
  logger: Logger;
  /** First wait after an empty poll, doubled up to `maxPollingIntervalMs`. @default 100 */
  minPollingIntervalMs?: number;
  /**
   * Seconds a received message stays invisible while its function runs; the lease is renewed at half this
   * time, as the Functions host does. @default 600
   */
  processingVisibilitySeconds?: number;
}

/**
 * Polls one queue for a queue-triggered function, as the Functions host does. It fetches `batchSize` messages
 * at a time and a new batch when no more than `newBatchThreshold` are running, and backs off up to
 * `maxPollingInterval` while the queue is empty. A message is deleted on success, retried after
 * `visibilityTimeout` on failure and moved to `<queue>-poison` after `maxDequeueCount` attempts.
 */
export class QueueTriggerListener {
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #log: Logger;
  #loop?: Promise<void>;

  constructor(readonly config: QueueListenerOptions) {
    this.#log = config.logger.child({ functionName: config.fn.name, queueName: config.queue.name });
  }

  async start(): Promise<void> {
    const { queue, fn } = this.config;
    await withStorageContext(`Queue "${queue.name}" of function "${fn.name}"`, queue.url, () =>
      queue.createIfNotExists(),
    );
    this.#loop = this.#run();
    this.#log.info('queue listener started');
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    await Promise.all(this.#inFlight);
    this.#log.info('queue listener stopped');
  }

  async #run(): Promise<void> {
    const { options } = this.config;
    const minDelay = this.config.minPollingIntervalMs ?? 100;
    let delay = minDelay;
    while (!this.#abort.signal.aborted) {
      if (this.#inFlight.size > options.newBatchThreshold) {
        await Promise.race(this.#inFlight);
        continue;
      }
      const messages = await this.#receive();
      for (const message of messages) this.#track(this.#process(message));
      if (messages.length > 0) {
        delay = minDelay;
        continue;
      }
      await sleep(Math.min(delay, options.maxPollingIntervalMs), this.#abort.signal);
      delay = Math.min(delay * 2, options.maxPollingIntervalMs);
    }
  }

  async #receive(): Promise<DequeuedMessageItem[]> {
    try {
      const response = await this.config.queue.receiveMessages({
        numberOfMessages: this.config.options.batchSize,
        visibilityTimeout: this.#leaseSeconds,
      });
      return response.receivedMessageItems;
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#log.warn({ err: error }, 'queue receive failed; retrying');
      return [];
    }
  }

  get #leaseSeconds(): number {
    return this.config.processingVisibilitySeconds ?? 600;
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #process(message: DequeuedMessageItem): Promise<void> {
    const fields = { messageId: message.messageId, dequeueCount: message.dequeueCount };
    try {
      if (message.dequeueCount > this.config.options.maxDequeueCount) {
        await this.#moveToPoison(message);
        return;
      }
      const endLease = this.#keepInvisible(message);
      const failure = await this.#invoke(message).finally(endLease);
      if (!failure) {
        await this.config.queue.deleteMessage(message.messageId, message.popReceipt);
        return;
      }
      this.#log.error({ ...fields, err: failure }, 'queue function failed');
      if (message.dequeueCount >= this.config.options.maxDequeueCount) await this.#moveToPoison(message);
      else await this.#release(message);
    } catch (error) {
      this.#log.error({ ...fields, err: error }, 'queue message handling failed; the message becomes visible again');
    }
  }

  /**
   * Renews the message's invisibility while the function runs, so a long run is not delivered twice. The
   * returned function stops the renewals and waits for one in progress, after which `popReceipt` is current.
   */
  #keepInvisible(message: DequeuedMessageItem): () => Promise<void> {
    let renewal = Promise.resolve();
    const renew = async () => {
      const response = await this.config.queue.updateMessage(
        message.messageId,
        message.popReceipt,
        undefined,
        this.#leaseSeconds,
      );
      if (response.popReceipt) message.popReceipt = response.popReceipt;
    };
    const timer = setInterval(() => {
      renewal = renewal
        .then(renew)
        .catch((error: unknown) =>
          this.#log.warn({ messageId: message.messageId, err: error }, 'queue lease renewal failed'),
        );
    }, this.#leaseSeconds * 500);
    return async () => {
      clearInterval(timer);
      await renewal;
    };
  }

  /** Invokes the function; returns the failure, or undefined on success. */
  async #invoke(message: DequeuedMessageItem): Promise<{ message: string; stack?: string } | undefined> {
    let body: string;
    try {
      body = decodeMessageText(message.messageText, this.config.options.messageEncoding);
    } catch (error) {
      return { message: (error as Error).message };
    }
    try {
      const result = await this.config.invoker.invoke(this.config.fn.name, {
        trigger: { string: body },
        triggerMetadata: queueTriggerMetadata(message, this.config.fn.name),
      });
      return result.error;
    } catch (error) {
      // The worker itself failed (for example it is restarting): count an attempt like a failed invocation.
      return { message: (error as Error).message, stack: (error as Error).stack };
    }
  }

  async #release(message: DequeuedMessageItem): Promise<void> {
    const seconds = Math.round(this.config.options.visibilityTimeoutMs / 1000);
    await this.config.queue.updateMessage(message.messageId, message.popReceipt, undefined, seconds);
  }

  async #moveToPoison(message: DequeuedMessageItem): Promise<void> {
    await this.config.poisonQueue.createIfNotExists();
    await this.config.poisonQueue.sendMessage(message.messageText);
    await this.config.queue.deleteMessage(message.messageId, message.popReceipt);
    this.#log.warn(
      { messageId: message.messageId, dequeueCount: message.dequeueCount, poisonQueue: this.config.poisonQueue.name },
      'queue message moved to the poison queue',
    );
  }
}
