import type { ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import type { Logger } from 'pino';
import { blobCreatedEvent, blobSubject } from './blob-created-event';
import type { BlobEventStore } from './blob-event-store';
import type { BlobEventRule } from './blob-event-rule';
import { encodeMessageText } from './queue-message';
import { sleep } from './sleep';
import { withStorageContext } from './storage-connection';

export interface BlobEventWatcherOptions {
  rule: BlobEventRule;
  container: ContainerClient;
  queue: QueueClient;
  store: BlobEventStore;
  messageEncoding: 'base64' | 'none';
  /** Milliseconds between container listings. */
  pollMs: number;
  logger: Logger;
}

/**
 * Stands in for Event Grid on Azurite: lists a container on an interval and sends a BlobCreated event to the
 * queue for each matching blob whose ETag it has not published yet. The event is sent before the ETag is
 * recorded, so a crash in between publishes the blob twice rather than never (Event Grid is at-least-once too).
 * NOTE: every poll lists the whole container, so the cost grows with the number of blobs in it.
 */
export class BlobEventWatcher {
  readonly #abort = new AbortController();
  readonly #log: Logger;
  #loop?: Promise<void>;

  constructor(readonly config: BlobEventWatcherOptions) {
    this.#log = config.logger.child({ container: config.rule.container, queueName: config.rule.queue });
  }

  async start(): Promise<void> {
    const { container, queue } = this.config;
    await withStorageContext(`Container "${container.containerName}"`, container.url, async () => {
      await container.createIfNotExists();
      await queue.createIfNotExists();
      await this.pollOnce();
    });
    this.#loop = this.#run();
    this.#log.info({ subjectSuffix: this.config.rule.subjectSuffix }, 'blob event watcher started');
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  /** Lists the container once and publishes what is new; returns the number of events sent. */
  async pollOnce(): Promise<number> {
    const { container, rule, store } = this.config;
    let sent = 0;
    for await (const blob of container.listBlobsFlat()) {
      if (!blobSubject(rule.container, blob.name).endsWith(rule.subjectSuffix)) continue;
      const etag = blob.properties.etag ?? '';
      if (store.publishedEtag(container.url, blob.name) === etag) continue;

      const event = blobCreatedEvent({
        accountName: container.accountName,
        container: rule.container,
        blob,
        url: container.getBlobClient(blob.name).url,
        sequencer: store.nextSequencer(),
      });
      await this.config.queue.sendMessage(encodeMessageText(JSON.stringify(event), this.config.messageEncoding));
      store.markPublished(container.url, blob.name, etag);
      this.#log.info({ subject: event.subject, eTag: etag, eventId: event.id }, 'blob created event sent');
      sent++;
    }
    return sent;
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      await sleep(this.config.pollMs, this.#abort.signal);
      if (this.#abort.signal.aborted) return;
      try {
        await this.pollOnce();
      } catch (error) {
        this.#log.warn({ err: error }, 'blob event poll failed; retrying');
      }
    }
  }
}
