import { QueueServiceClient } from '@azure/storage-queue';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { RunningAzurite } from '../../../scripts/src/azurite';
import type { RegisteredFunction } from '../../../host/src/contracts';
import { RunningHost, startHost } from '../../../host/src/host';
import { QueueTriggerListener } from '../../../host/src/triggers/queue-listener';
import { useAzurite } from '../../support/azurite';
import {
  captureLogs,
  FIXTURE_APPS,
  LogRecord,
  tempDir,
  waitFor,
  removeWrittenApps,
  writeApp,
} from '../worker/host-fixtures';

interface Received {
  functionName?: string;
  message: unknown;
  dequeueCount?: number;
  triggerMetadata?: Record<string, unknown>;
}

function readResults(file: string): Received[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Received);
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('queue trigger', () => {
  afterAll(() => removeWrittenApps());

  let azurite: RunningAzurite;
  let queues: QueueServiceClient;
  let dir: string;

  beforeAll(async () => {
    azurite = await useAzurite();
    queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });

  afterAll(async () => {
    await azurite.stop();
  });

  beforeEach(() => {
    dir = tempDir('queue-trigger');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(app: string, records: LogRecord[] = []): Promise<RunningHost> {
    const capture = captureLogs(records);
    const host = await startHost({
      appDir: path.join(FIXTURE_APPS, app),
      port: 0,
      dataDir: path.join(dir, 'data'),
      settings: {
        AzureWebJobsStorage: azurite.connectionString,
        QueueStorage: azurite.connectionString,
        ORDERS_QUEUE: 'orders',
        RESULT_FILE: path.join(dir, 'results.jsonl'),
      },
      logger: capture.logger,
    });
    return host;
  }

  it('delivers a base64 message with its metadata and deletes it', async () => {
    const host = await start('basic-queue');
    try {
      const queue = queues.getQueueClient('orders');
      const sent = await queue.sendMessage(base64(JSON.stringify({ orderId: 17, item: 'book' })));

      const [received] = await waitFor(() => {
        const results = readResults(path.join(dir, 'results.jsonl'));
        return results.length > 0 ? results : undefined;
      });
      expect(received.message).toEqual({ orderId: 17, item: 'book' });
      expect(received.triggerMetadata?.id).toBe(sent.messageId);
      expect(received.triggerMetadata?.dequeueCount).toBe(1);
      expect(received.triggerMetadata?.insertionTime).toBe(sent.insertedOn.toISOString());
      expect(received.triggerMetadata?.expirationTime).toBe(sent.expiresOn.toISOString());
      expect(typeof received.triggerMetadata?.popReceipt).toBe('string');
      expect(typeof received.triggerMetadata?.nextVisibleTime).toBe('string');

      await waitFor(async () => ((await queue.getProperties()).approximateMessagesCount === 0 ? true : undefined));
    } finally {
      await host.stop();
    }
  });

  it('poisons a failing message after 5 attempts', async () => {
    const host = await start('basic-queue');
    try {
      await queues.getQueueClient('rejected-orders').sendMessage(base64(JSON.stringify({ orderId: 99 })));
      const poison = queues.getQueueClient('rejected-orders-poison');

      const poisoned = await waitFor(async () => {
        if (!(await poison.exists())) return undefined;
        const peeked = await poison.peekMessages();
        return peeked.peekedMessageItems.length > 0 ? peeked.peekedMessageItems : undefined;
      }, 30000);
      expect(poisoned).toHaveLength(1);
      expect(JSON.parse(Buffer.from(poisoned[0].messageText, 'base64').toString())).toEqual({ orderId: 99 });

      const attempts = readResults(path.join(dir, 'results.jsonl')).filter((r) => r.functionName === 'rejectOrder');
      expect(attempts.map((attempt) => attempt.triggerMetadata?.dequeueCount)).toEqual([1, 2, 3, 4, 5]);
      const original = await queues.getQueueClient('rejected-orders').peekMessages();
      expect(original.peekedMessageItems).toHaveLength(0);
    } finally {
      await host.stop();
    }
  });

  it('poisons a message that is not base64', async () => {
    const records: LogRecord[] = [];
    const host = await start('basic-queue', records);
    try {
      await queues.getQueueClient('orders').sendMessage('not base64 at all!');
      const poison = queues.getQueueClient('orders-poison');
      await waitFor(
        async () =>
          (await poison.exists()) && (await poison.peekMessages()).peekedMessageItems.length > 0 ? true : undefined,
        30000,
      );

      expect((await poison.peekMessages()).peekedMessageItems[0].messageText).toBe('not base64 at all!');
      expect(readResults(path.join(dir, 'results.jsonl'))).toEqual([]);
      const failure = records.find((record) => record.msg === 'queue function failed');
      expect((failure?.err as { message: string }).message).toMatch(/^The message is not valid base64/);
    } finally {
      await host.stop();
    }
  });

  it('reads messages as stored when messageEncoding is none', async () => {
    const host = await start('basic-queue-plain');
    try {
      await queues.getQueueClient('plain').sendMessage('{"plain":true}');
      const [received] = await waitFor(() => {
        const results = readResults(path.join(dir, 'results.jsonl'));
        return results.length > 0 ? results : undefined;
      });
      expect(received.message).toEqual({ plain: true });
      expect(received.dequeueCount).toBe(1);
    } finally {
      await host.stop();
    }
  });

  it('writes an array set on a queue output as one message per item', async () => {
    const host = await start('basic-queue');
    try {
      const response = await fetch(`${host.url}/api/enqueueOrders`, {
        method: 'POST',
        body: JSON.stringify([{ orderId: 1 }, 'plain text']),
      });
      expect(response.status).toBe(202);

      const { peekedMessageItems } = await queues.getQueueClient('outbox').peekMessages({ numberOfMessages: 10 });
      const bodies = peekedMessageItems.map((item) => Buffer.from(item.messageText, 'base64').toString());
      expect(bodies).toEqual(['{"orderId":1}', 'plain text']);
    } finally {
      await host.stop();
    }
  });

  it('fails the invocation when a queue output cannot be written', async () => {
    const records: LogRecord[] = [];
    const host = await start('basic-queue', records);
    try {
      const response = await fetch(`${host.url}/api/enqueueUnconfigured`, { method: 'POST' });
      expect(response.status).toBe(500);
      const failure = records.find((record) => record.msg === 'HTTP function failed');
      expect((failure?.err as { message: string }).message).toBe(
        'Writing output binding "queueOutput38dc4c00cc" of function "enqueueUnconfigured" failed: The queue output uses connection "UnsetConnection", which is not set: set UnsetConnection in local.settings.json Values or the environment, for example to "UseDevelopmentStorage=true"',
      );
    } finally {
      await host.stop();
    }
  });

  it('writes a queue function return value to its return queue', async () => {
    const host = await start('basic-queue');
    try {
      await queues.getQueueClient('inbox').sendMessage(base64(JSON.stringify({ orderId: 5 })));
      const forwarded = queues.getQueueClient('forwarded');
      const [message] = await waitFor(async () => {
        if (!(await forwarded.exists())) return undefined;
        const { peekedMessageItems } = await forwarded.peekMessages();
        return peekedMessageItems.length > 0 ? peekedMessageItems : undefined;
      });
      expect(JSON.parse(Buffer.from(message.messageText, 'base64').toString())).toEqual({
        orderId: 5,
        forwarded: true,
      });
    } finally {
      await host.stop();
    }
  });

  it('retries a message whose invocation ended the worker thread', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'host.json': JSON.stringify({ extensions: { queues: { maxPollingInterval: '00:00:01' } } }),
      'index.js': `const { app } = require('@azure/functions');
const fs = require('node:fs');
app.storageQueue('crashOnce', {
  queueName: 'crash-once',
  handler: (message, context) => {
    if (context.triggerMetadata.dequeueCount === 1) process.exit(5);
    fs.appendFileSync(process.env.RESULT_FILE, JSON.stringify({ message, dequeueCount: context.triggerMetadata.dequeueCount }) + '\\n');
  },
});`,
    });
    const host = await startHost({
      appDir,
      port: 0,
      dataDir: path.join(dir, 'data'),
      settings: { AzureWebJobsStorage: azurite.connectionString, RESULT_FILE: path.join(dir, 'results.jsonl') },
      logger: captureLogs().logger,
    });
    try {
      await queues.getQueueClient('crash-once').sendMessage(base64('"again"'));
      const [received] = await waitFor(() => {
        const results = readResults(path.join(dir, 'results.jsonl'));
        return results.length > 0 ? results : undefined;
      }, 20000);
      expect(received).toEqual({ message: 'again', dequeueCount: 2 });
    } finally {
      await host.stop();
    }
  });

  it('keeps a message invisible while a slow function runs', async () => {
    const host = await start('basic-queue');
    const service = queues;
    const listener = new QueueTriggerListener({
      fn: host.functions.get('slowOrder') as RegisteredFunction,
      queue: service.getQueueClient('slow-lease'),
      poisonQueue: service.getQueueClient('slow-lease-poison'),
      options: host.hostJson.queues,
      invoker: host.invoker,
      logger: host.logger,
      processingVisibilitySeconds: 1,
    });
    try {
      await listener.start();
      await service.getQueueClient('slow-lease').sendMessage(base64(JSON.stringify({ sleepMs: 3500 })));
      await waitFor(() => (readResults(path.join(dir, 'results.jsonl')).length > 0 ? true : undefined));
      // A second delivery would start about a second after the first and finish 3.5 s later.
      await new Promise((resolve) => setTimeout(resolve, 4000));

      const runs = readResults(path.join(dir, 'results.jsonl'));
      expect(runs.map((run) => run.triggerMetadata?.dequeueCount)).toEqual([1]);
      expect((await service.getQueueClient('slow-lease').peekMessages()).peekedMessageItems).toEqual([]);
    } finally {
      await listener.stop();
      await host.stop();
    }
  });

  it('names the queue URL when storage is not reachable at start-up', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closedPort = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const unreachable = azurite.connectionString.replace(
      /QueueEndpoint=[^;]+/,
      `QueueEndpoint=http://127.0.0.1:${closedPort}/devstoreaccount1`,
    );

    await expect(
      startHost({
        appDir: path.join(FIXTURE_APPS, 'basic-queue-plain'),
        port: 0,
        dataDir: path.join(dir, 'data'),
        settings: { AzureWebJobsStorage: unreachable },
        logger: captureLogs().logger,
      }),
    ).rejects.toThrow(
      `Queue "plain" of function "plainMessage" at http://127.0.0.1:${closedPort}/devstoreaccount1/plain is not reachable (connect ECONNREFUSED 127.0.0.1:${closedPort}): start Azurite or fix the connection setting`,
    );
  });

  it('runs a batch in parallel within batchSize plus newBatchThreshold', async () => {
    const host = await start('basic-queue');
    try {
      const queue = queues.getQueueClient('parallel-orders');
      await Promise.all(
        Array.from({ length: 24 }, (_, i) => queue.sendMessage(base64(JSON.stringify({ orderId: i })))),
      );
      const runs = await waitFor(() => {
        const results = readResults(path.join(dir, 'results.jsonl')).filter((r) => r.functionName === 'parallelOrder');
        return results.length === 24 ? results : undefined;
      }, 30000);

      const concurrency = runs.map((run) => (run.message as { concurrent: number }).concurrent);
      // host.json sets batchSize 8, so a new batch comes when 4 or fewer are running: at most 12 at once.
      expect(Math.max(...concurrency)).toBeGreaterThan(1);
      expect(Math.max(...concurrency)).toBeLessThanOrEqual(12);
      expect(new Set(runs.map((run) => (run.message as { orderId: number }).orderId)).size).toBe(24);
    } finally {
      await host.stop();
    }
  });

  it('creates the queue a function listens on', async () => {
    const host = await start('basic-queue-plain');
    try {
      expect(await queues.getQueueClient('plain').exists()).toBe(true);
    } finally {
      await host.stop();
    }
  });
});
