/**
 * Security defaults of the host CLI: it listens on loopback unless `--host` names another address and then warns,
 * management URLs use the configured public URL, and no credential reaches its logs during a full batch run.
 */
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AZURITE_ACCOUNT, AZURITE_KEY, RunningAzurite } from '../../scripts/src/azurite';
import { csvFile, makeRows, SALES_MANIFEST } from '../functions/support/batch-data';
import { requestJson, waitFor, waitForBatchEnd } from './support/batch-api';
import { appEvents, logRecords } from './support/app-events';
import { FaultStack, startFaultStack } from './support/fault-stack';
import { HostCli, REPO_ROOT, startHostCli } from './support/host-cli';
import { freePort } from './support/ports';
import { uploadSalesBatch } from './support/sales-batch';

const HTTP_APP = path.join(REPO_ROOT, 'test/fixtures/apps/basic-http');
const BEARER_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYXVsdC10ZXN0In0.c2VjcmV0LXNpZ25hdHVyZQ';
const FUNCTION_KEY = 'fault-test-function-key-5f2d9c';

/** True when `unshare -rn` can create a network namespace with only a loopback device that is down. */
const canIsolateNetwork = spawnSync('unshare', ['-rn', 'true']).status === 0;

/** Local addresses of listening TCP sockets on `port`, read from /proc/net/tcp and /proc/net/tcp6. */
function listeningAddresses(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${portHex}`) && fields[3] === '0A')
      .map((fields) => fields[1].split(':')[0]),
  );
}

const warnings = (logFile: string) =>
  logRecords(logFile).filter((record) => String(record.msg).includes('beyond loopback'));

describe('listen address', () => {
  let workDir: string;
  let host: HostCli | undefined;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-listen-'));
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('is 127.0.0.1 by default, without a warning', async () => {
    const port = await freePort();
    const logFile = path.join(workDir, 'default.log');
    host = await startHostCli({ appDir: HTTP_APP, dataDir: workDir, port, logFile, blobEvents: false });

    expect(listeningAddresses(port)).toEqual(['0100007F']);
    const listening = logRecords(logFile).find((record) => record.msg === 'HTTP server listening');
    expect(listening).toMatchObject({ host: '127.0.0.1', port });
    expect(warnings(logFile)).toEqual([]);
  });

  (canIsolateNetwork ? it : it.skip)('logs a warning for an address beyond loopback', async () => {
    // The host runs in a new network namespace whose only device is a loopback that is down, so binding
    // 0.0.0.0 there exposes nothing.
    const port = await freePort();
    const logFile = path.join(workDir, 'any.log');
    const wrapper = ['unshare', '-rn'];
    host = await startHostCli({
      appDir: HTTP_APP,
      dataDir: workDir,
      port,
      logFile,
      blobEvents: false,
      wrapper,
      extraArgs: ['--host', '0.0.0.0'],
    });

    const found = await waitFor(async () => (warnings(logFile).length > 0 ? warnings(logFile) : undefined), 'warning');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 40, host: '0.0.0.0', port });
  });
});

describe('management URLs', () => {
  // Both origins are loopback, so the requests that the app's durable client sends to them stay on this machine.
  let stack: FaultStack;
  let trusting: FaultStack;
  const publicUrl = (port: number) => `http://localhost:${port}`;

  beforeAll(async () => {
    const [port, trustingPort] = [await freePort(), await freePort()];
    [stack, trusting] = await Promise.all([
      startFaultStack('public-url', { port, extraArgs: ['--public-url', publicUrl(port)], blobEvents: false }),
      startFaultStack('trusted-proxy', {
        port: trustingPort,
        extraArgs: ['--public-url', publicUrl(trustingPort), '--trusted-proxy'],
        blobEvents: false,
      }),
    ]);
    for (const target of [stack, trusting]) {
      await uploadSalesBatch(target.blobs, 'urls', [csvFile('a.csv', makeRows(1, 5))], SALES_MANIFEST);
    }
  });

  afterAll(async () => {
    await Promise.all([stack?.stop(), trusting?.stop()]);
  });

  /** Starts the batch with forwarding headers that name the host's loopback address instead of `localhost`. */
  const startWithForwardedHost = async (target: FaultStack) => {
    const forwardedHost = new URL(target.host.url).host;
    const response = await fetch(`${target.host.url}/api/batches/urls`, {
      method: 'POST',
      headers: { 'x-forwarded-host': forwardedHost, 'x-forwarded-proto': 'http' },
      signal: AbortSignal.timeout(30000),
    });
    const body = (await response.json()) as Record<string, string>;
    return { status: response.status, body, forwardedHost };
  };

  it('use the public URL and ignore X-Forwarded-Host', async () => {
    const { status, body } = await startWithForwardedHost(stack);

    expect(status).toBe(202);
    const expected = `${publicUrl(Number(new URL(stack.host.url).port))}/runtime/webhooks/durabletask/`;
    for (const name of ['statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri']) {
      expect({ name, startsWithPublicUrl: String(body[name]).startsWith(expected) }).toEqual({
        name,
        startsWithPublicUrl: true,
      });
    }
  });

  it('follow X-Forwarded-Host behind a trusted proxy', async () => {
    const { status, body, forwardedHost } = await startWithForwardedHost(trusting);

    expect(status).toBe(202);
    expect(body.statusQueryGetUri).toMatch(new RegExp(`^http://${forwardedHost}/runtime/webhooks/durabletask/`));
  });
});

/** Builds a connection string that authorizes with an account SAS, as a deployment without shared keys might. */
function sasConnectionString(azurite: RunningAzurite): string {
  const sas = generateAccountSASQueryParameters(
    {
      services: AccountSASServices.parse('bqt').toString(),
      resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
      permissions: AccountSASPermissions.parse('rwdlacup'),
      expiresOn: new Date(Date.now() + 3600 * 1000),
    },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
  ).toString();
  const endpoint = (service: string, port: number) => `${service}Endpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return [
    endpoint('Blob', azurite.blobPort),
    endpoint('Queue', azurite.queuePort),
    endpoint('Table', azurite.tablePort),
    `SharedAccessSignature=${sas}`,
  ].join(';');
}

describe('logs of a full run', () => {
  let stacks: FaultStack[];

  beforeAll(async () => {
    stacks = await Promise.all([
      startFaultStack('secrets-key'),
      startFaultStack('secrets-sas', { hostConnectionString: sasConnectionString }),
    ]);
    await Promise.all(stacks.map((stack) => exercise(stack)));
  });

  afterAll(async () => {
    await Promise.all(stacks.map((stack) => stack.stop()));
  });

  /**
   * Runs a batch whose first map call fails with a storage error (HTTP 412) until a lease is released, so the
   * app logs the storage SDK's error message.
   */
  async function runWithTransientError(stack: FaultStack): Promise<void> {
    await uploadSalesBatch(stack.blobs, 'leased', [csvFile('a.csv', makeRows(2, 10))], SALES_MANIFEST);
    await waitForBatchEnd(() => stack.host.url, 'leased', { timeoutMs: 30000 });
    const outcome = stack.blobs.getContainerClient('work').getBlockBlobClient('leased/runs/leased-run/map/0.json');
    await outcome.upload('{}', 2);
    const lease = outcome.getBlobLeaseClient();
    await lease.acquireLease(-1);
    const input = JSON.stringify({ batchId: 'leased', runId: 'leased-run', mode: 'full' });
    await requestJson(
      stack.host.url,
      'POST',
      '/runtime/webhooks/durabletask/orchestrators/batchOrchestrator/batch-leased',
      input,
    );
    await waitFor(
      async () => (appEvents(stack.logFile, 'activity.map-transient-error', 'leased').length > 0 ? true : undefined),
      'a transient map error',
    );
    await lease.releaseLease();
    await waitForBatchEnd(() => stack.host.url, 'leased', { timeoutMs: 60000 });
  }

  /** Runs batches that succeed, fail per file and fail as a whole, with credentials in requests, on one host. */
  async function exercise(stack: FaultStack): Promise<void> {
    const url = stack.host.url;
    const files = [
      csvFile('good.csv', makeRows(1, 50)),
      { name: 'binary.csv', content: Buffer.from([0, 1, 2, 3]) },
      { name: 'wrong.csv', content: 'country,amount\nfr,1\n' },
    ];
    await uploadSalesBatch(stack.blobs, `mixed`, files, SALES_MANIFEST);
    await uploadSalesBatch(stack.blobs, `missing`, [], { ...SALES_MANIFEST, files: ['absent.csv'] });
    await uploadSalesBatch(stack.blobs, `invalid`, [], { groupBy: 'region' });
    for (const batchId of [`mixed`, `missing`, `invalid`]) {
      await waitForBatchEnd(() => url, batchId, { timeoutMs: 30000 });
    }
    await runWithTransientError(stack);
    const headers = { authorization: `Bearer ${BEARER_TOKEN}`, 'x-functions-key': FUNCTION_KEY };
    await fetch(`${url}/api/batches/mixed?code=${FUNCTION_KEY}`, { headers });
    await fetch(`${url}/api/batches/Invalid_Id?code=${FUNCTION_KEY}`, { method: 'POST', headers });
    await fetch(`${url}/runtime/webhooks/durabletask/instances?code=${FUNCTION_KEY}`, { headers });
    await requestJson(url, 'POST', `/api/batches/mixed/terminate`, '{"reason": ');
  }

  /** Patterns of credentials, each with a log line that must match it, so a pattern that never matches shows. */
  const SECRETS: [string, RegExp, string][] = [
    [
      'Azurite account key',
      new RegExp(AZURITE_KEY.slice(0, 24).replace(/[+/]/g, '\\$&')),
      `{"msg":"connecting","key":"${AZURITE_KEY}"}`,
    ],
    ['AccountKey=', /AccountKey=/i, '{"msg":"DefaultEndpointsProtocol=http;AccountKey=abc"}'],
    ['SharedAccessSignature', /SharedAccessSignature/i, '{"msg":"BlobEndpoint=x;SharedAccessSignature=sv=1"}'],
    ['sig=', /[?&;]sig=/i, '{"url":"http://127.0.0.1/a?sv=2024&sig=abc%3D"}'],
    ['bearer token', /Bearer\s+[A-Za-z0-9._~+/-]+=*/i, '{"headers":{"authorization":"Bearer abc.def"}}'],
    ['the bearer token sent', new RegExp(BEARER_TOKEN.slice(0, 20)), `{"token":"${BEARER_TOKEN}"}`],
    ['the function key sent', new RegExp(FUNCTION_KEY), `{"url":"/api/batches/x?code=${FUNCTION_KEY}"}`],
  ];

  it.each(SECRETS)('contain no %s', (_name, pattern, sample) => {
    const logs = stacks.map((stack) => fs.readFileSync(stack.logFile, 'utf8'));

    expect(pattern.test(sample)).toBe(true);
    expect(logs[0].length).toBeGreaterThan(10000);
    expect(logs[1].length).toBeGreaterThan(10000);
    const hits = logs.flatMap((text) => text.split('\n').filter((line) => pattern.test(line)));
    expect(hits.map((line) => line.slice(0, 300))).toEqual([]);
  });
});
