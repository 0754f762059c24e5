/**
 * Wrong uploads and wrong requests against the Function App on the host process: each ends in a clear error or
 * a failed-file record, and the host keeps serving.
 */
import http from 'node:http';
import { csvFile, makeRows, SALES_MANIFEST, uploadManifest } from '../functions/support/batch-data';
import { readJsonBlob, requestJson, taskHubInstances, waitFor, waitForBatchEnd } from './support/batch-api';
import { appEvents, logRecords } from './support/app-events';
import { FaultStack, startFaultStack } from './support/fault-stack';
import { uploadSalesBatch } from './support/sales-batch';

const good = () => csvFile('good.csv', makeRows(7, 10));

interface BatchCase {
  name: string;
  files: { name: string; content: string | Buffer }[];
  manifest: unknown;
  /** Fields the batch view must contain once the run ends. */
  view: Record<string, unknown>;
  /** Text the batch error or the failed file's message must contain. */
  message: string;
  /** `kind` of the one failed-file record, when the batch fails per file. */
  failedKind?: string;
}

const BATCH_CASES: BatchCase[] = [
  {
    name: 'manifest that is not JSON',
    files: [good()],
    manifest: '{"groupBy": ["region"',
    view: { status: 'failed', error: { kind: 'invalid-manifest' } },
    message: 'JSON',
  },
  {
    name: 'manifest field of the wrong type',
    files: [good()],
    manifest: { groupBy: 'region', metrics: ['amount'] },
    view: { status: 'failed', error: { kind: 'invalid-manifest' } },
    message: '"groupBy"',
  },
  {
    name: 'manifest with an unknown field',
    files: [good()],
    manifest: { ...SALES_MANIFEST, colour: 'blue' },
    view: { status: 'failed', error: { kind: 'invalid-manifest' } },
    message: '"colour"',
  },
  {
    name: 'groupBy column missing from the file',
    files: [good()],
    manifest: { groupBy: ['country'], metrics: ['amount'] },
    view: { status: 'failed', runtimeStatus: 'Completed' },
    message: 'country',
    failedKind: 'missing-column',
  },
  {
    name: 'manifest without data files',
    files: [],
    manifest: SALES_MANIFEST,
    view: { status: 'failed', error: { kind: 'missing-files' } },
    message: 'has no data files',
  },
  {
    name: 'more files than maxItems',
    files: [good(), csvFile('second.csv', makeRows(8, 10)), csvFile('third.csv', makeRows(9, 10))],
    manifest: { ...SALES_MANIFEST, maxItems: 2 },
    view: { status: 'failed', error: { kind: 'too-many-items' } },
    message: '2',
  },
  {
    name: 'binary file',
    files: [{ name: 'image.csv', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }],
    manifest: SALES_MANIFEST,
    view: { status: 'failed', runtimeStatus: 'Completed' },
    message: '',
    failedKind: 'binary',
  },
  {
    name: 'file that is not UTF-8',
    files: [{ name: 'latin1.csv', content: Buffer.from('region,amount,qty\nm\xfcnchen,1,2\n', 'latin1') }],
    manifest: SALES_MANIFEST,
    view: { status: 'failed', runtimeStatus: 'Completed' },
    message: '',
    failedKind: 'invalid-encoding',
  },
  {
    name: 'error message of 100 KB',
    files: [{ name: 'wide.csv', content: `${Array.from({ length: 10000 }, (_, i) => `column${i}`).join(',')}\n1\n` }],
    manifest: SALES_MANIFEST,
    view: { status: 'failed', runtimeStatus: 'Completed' },
    message: 'column0',
    failedKind: 'missing-column',
  },
];

const INVALID_BATCH_IDS = ['a..b', 'UPPER', 'x'.repeat(200)];
const INVALID_BATCH_ID_CASES = [
  ['with ..', INVALID_BATCH_IDS[0]],
  ['in upper case', INVALID_BATCH_IDS[1]],
  ['of 200 characters', INVALID_BATCH_IDS[2]],
];

/** Sends a request with the path exactly as given, because fetch would resolve `..` segments. */
function rawRequest(url: string, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(url), { method, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('bad input to the Function App', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack('bad-input');
    await Promise.all(
      BATCH_CASES.map((testCase, index) =>
        uploadSalesBatch(stack.blobs, `bad-${index}`, testCase.files, testCase.manifest),
      ),
    );
  });

  afterAll(() => stack?.stop());

  afterEach(() => {
    expect(stack.host.child.exitCode).toBeNull();
  });

  it.each(BATCH_CASES.map((testCase, index) => [testCase.name, index] as const))(
    '%s ends with a clear error',
    async (_name, index) => {
      const testCase = BATCH_CASES[index];
      const batchId = `bad-${index}`;

      const view = await waitForBatchEnd(() => stack.host.url, batchId, { timeoutMs: 60000 });
      const summary = (await readJsonBlob(stack.blobs, 'results', `${batchId}/summary.json`)) as Record<
        string,
        unknown
      >;
      const failedText = (
        await stack.blobs.getContainerClient('results').getBlobClient(`${batchId}/failed.jsonl`).downloadToBuffer()
      ).toString();
      const failed = failedText
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { blob: string; kind: string; message: string });

      expect(view).toMatchObject(testCase.view);
      expect(summary.status).toBe(testCase.view.status);
      if (testCase.failedKind) {
        expect(failed.map((record) => record.kind)).toEqual([testCase.failedKind]);
        expect(failed[0].message).toContain(testCase.message);
        expect(Buffer.byteLength(failed[0].message)).toBeLessThanOrEqual(4096);
      } else {
        expect(failed).toEqual([]);
        expect(String((view.error as { message?: string } | undefined)?.message ?? '')).toContain(testCase.message);
      }
    },
  );

  it.each(INVALID_BATCH_ID_CASES)('batch id %s is rejected over HTTP', async (_label, batchId) => {
    for (const [method, route] of [
      ['POST', `/api/batches/${batchId}`],
      ['GET', `/api/batches/${batchId}`],
      ['POST', `/api/batches/${batchId}/terminate`],
      ['DELETE', `/api/batches/${batchId}`],
    ]) {
      const response = await rawRequest(stack.host.url, method, route);
      const body = JSON.parse(response.body) as { error: string; field?: string };
      expect({ method, status: response.status, field: body.field }).toEqual({ method, status: 400, field: 'batchId' });
      expect(body.error).toContain('use 1 to 63 characters');
    }
  });

  it('invalid batch ids in manifest events start nothing', async () => {
    const queue = stack.queues.getQueueClient('blob-created');
    await queue.createIfNotExists();
    for (const batchId of INVALID_BATCH_IDS) {
      const event = {
        id: `invalid-${batchId.length}`,
        subject: `/blobServices/default/containers/input/blobs/${batchId}/_manifest.json`,
        eventType: 'Microsoft.Storage.BlobCreated',
        data: { api: 'PutBlob', eTag: '0x1', url: `http://127.0.0.1/devstoreaccount1/input/${batchId}/_manifest.json` },
      };
      await queue.sendMessage(Buffer.from(JSON.stringify(event)).toString('base64'));
    }
    await uploadManifest(stack.blobs, 'UPPER', SALES_MANIFEST);

    const rejected = await waitFor(async () => {
      const found = appEvents(stack.logFile, 'starter.batch-id-invalid');
      return found.length >= INVALID_BATCH_IDS.length + 1 ? found : undefined;
    }, 'the starter to reject the invalid batch ids');

    expect(new Set(rejected.map((event) => event.batchId))).toEqual(new Set(INVALID_BATCH_IDS));
    expect(String(rejected[0].error)).toContain('use 1 to 63 characters');
    const started = taskHubInstances(stack.dataDir).filter((row) =>
      INVALID_BATCH_IDS.some((batchId) => row.instance_id.startsWith(`batch-${batchId}`)),
    );
    expect(started).toEqual([]);
  });

  it('queue message that is not base64 moves to the poison queue', async () => {
    const queue = stack.queues.getQueueClient('blob-created');
    await queue.createIfNotExists();
    await queue.sendMessage('{not base64 and not an event}');

    const poison = stack.queues.getQueueClient('blob-created-poison');
    const moved = await waitFor(async () => {
      const peeked = (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
      return peeked.find((message) => message.messageText === '{not base64 and not an event}');
    }, 'the message in blob-created-poison');
    const left = (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;

    expect(moved.messageText).toBe('{not base64 and not an event}');
    expect(left.filter((message) => message.messageText === '{not base64 and not an event}')).toEqual([]);
  });

  it.each([
    ['batch API', '/api/batches/big-body'],
    ['Durable API', '/runtime/webhooks/durabletask/orchestrators/batchOrchestrator'],
  ])('body over 1 MB to the %s is a 413', async (_api, route) => {
    const response = await requestJson(stack.host.url, 'POST', route, 'x'.repeat(1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expect(String(response.body.error)).toContain('exceeds the maximum of 1048576 bytes');
  });

  it('malformed JSON body is a 400', async () => {
    await uploadSalesBatch(stack.blobs, 'malformed', [good()], SALES_MANIFEST);
    await waitForBatchEnd(() => stack.host.url, 'malformed');
    const response = await requestJson(stack.host.url, 'POST', '/api/batches/malformed', '{"reason": ');
    expect(response.status).toBe(400);
    expect(String(response.body.error)).toContain('not valid JSON');
  });

  it('malformed JSON input to the Durable API is a 400', async () => {
    const route = '/runtime/webhooks/durabletask/orchestrators/batchOrchestrator/batch-malformed-input';
    const response = await requestJson(stack.host.url, 'POST', route, '{"batchId": ');
    expect(response.status).toBe(400);
    const instance = await requestJson(
      stack.host.url,
      'GET',
      '/runtime/webhooks/durabletask/instances/batch-malformed-input',
    );
    expect(instance.status).toBe(404);
  });

  it.each([
    ['GET', '/api/batches/nobody'],
    ['POST', '/api/batches/nobody/terminate'],
    ['POST', '/api/batches/nobody/redrive'],
    ['DELETE', '/api/batches/nobody'],
  ])('unknown batch: %s %s is a 404', async (method, route) => {
    const response = await requestJson(stack.host.url, method, route);
    expect(response.status).toBe(404);
    expect(String(response.body.error)).toContain('nobody');
  });

  it.each([
    ['GET', '/runtime/webhooks/durabletask/instances/batch-nobody'],
    ['POST', '/runtime/webhooks/durabletask/instances/batch-nobody/terminate?reason=x'],
    ['DELETE', '/runtime/webhooks/durabletask/instances/batch-nobody'],
  ])('unknown instance: %s %s is a 404', async (method, route) => {
    const response = await requestJson(stack.host.url, method, route);
    expect(response.status).toBe(404);
  });

  it.each([
    ['PUT', '/api/batches/some-batch'],
    ['PATCH', '/api/batches/some-batch'],
    ['GET', '/api/batches/some-batch/terminate'],
  ])('wrong method: %s %s is a 405', async (method, route) => {
    const response = await requestJson(stack.host.url, method, route);
    expect(response.status).toBe(405);
  });

  it('host logged no fatal record', () => {
    const fatal = logRecords(stack.logFile).filter((record) => Number(record.level) >= 60);
    expect(fatal).toEqual([]);
  });
});
