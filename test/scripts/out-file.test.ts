import http from 'node:http';
import net from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AZURITE_ACCOUNT, AZURITE_KEY, RunningAzurite } from '../../scripts/src/azurite';
import { ensureStorageResources, openStorage, resultsContainer } from '../../scripts/src/storage';
import { useAzurite } from '../support/azurite';
import { builtScript, expectOneLineError, freePort, runScript } from './run-script';

/** Port flags on free ports, so that a demo that gets past its checks never uses the default ports. */
async function freePortFlags(): Promise<string[]> {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()].map(String);
  return ['--port', ports[0], '--blob-port', ports[1], '--queue-port', ports[2], '--table-port', ports[3]];
}

describe('demo option checks', () => {
  const demo = builtScript('demo');
  let dir: string;
  let ports: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-demo-flags-'));
    ports = await freePortFlags();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects --days above 182', async () => {
    const run = await runScript(demo, [...ports, '--days', '183', '--data', dir]);
    expectOneLineError(run, /invalid --days '183': use a whole number of days from 1 to 182/);
  });

  it('rejects --days 0', async () => {
    const run = await runScript(demo, [...ports, '--days', '0', '--data', dir]);
    expectOneLineError(run, /invalid --days '0'/);
  });

  it('rejects an --out folder before the batch', async () => {
    const blocker = path.join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const run = await runScript(demo, [...ports, '--days', '1', '--data', dir, '--out', `${blocker}/d/x.json`], {
      timeoutMs: 30_000,
    });

    expectOneLineError(run, new RegExp(`cannot create the folder ${blocker}/d for --out`));
    expect(run.stdout).toBe('');
  }, 40_000);
});

describe('result of a terminated batch', () => {
  let azurite: RunningAzurite;
  let api: http.Server;
  let url: string;

  beforeAll(async () => {
    azurite = await useAzurite();
    await ensureStorageResources(openStorage({ connectionString: azurite.connectionString }));
    const body = { batchId: 'stopped', instanceId: 'batch-stopped', runtimeStatus: 'Terminated', progress: null };
    api = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(api.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    await azurite.stop();
    await new Promise<void>((resolve) => api.close(() => resolve()));
  });

  it('says no result will come', async () => {
    const run = await runScript(builtScript('cli'), [
      'result',
      'stopped',
      '--url',
      url,
      '--connection-string',
      azurite.connectionString,
    ]);

    expectOneLineError(
      run,
      new RegExp(
        "batch 'stopped' ended as Terminated and wrote no result: start a new run with " +
          `'npm run cli -- start stopped --url ${url} --connection-string CONNECTION_STRING'`,
      ),
    );
  });
});

describe('result --out', () => {
  let azurite: RunningAzurite;
  let dir: string;

  beforeAll(async () => {
    azurite = await useAzurite();
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-result-out-'));
    const storage = openStorage({ connectionString: azurite.connectionString });
    await ensureStorageResources(storage);
    await resultsContainer(storage).getBlockBlobClient('saved/summary.json').upload('{"batchId":"saved"}', 19);
  });

  afterAll(async () => {
    await azurite.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the missing folder', async () => {
    const out = path.join(dir, 'new', 'folder', 'summary.json');
    const run = await runScript(builtScript('cli'), [
      'result',
      'saved',
      '--out',
      out,
      '--connection-string',
      azurite.connectionString,
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('{"batchId":"saved"}');
  });

  it('rejects an --out folder', async () => {
    const run = await runScript(builtScript('cli'), [
      'result',
      'saved',
      '--out',
      dir,
      '--connection-string',
      azurite.connectionString,
    ]);

    expectOneLineError(run, new RegExp(`invalid --out '${dir}': it is a folder; name a file .*summary.json`));
    expect(run.stdout).toBe('');
  });

  it('rejects an empty --out', async () => {
    const run = await runScript(builtScript('cli'), [
      'result',
      'saved',
      '--out',
      '',
      '--connection-string',
      azurite.connectionString,
    ]);

    expectOneLineError(run, /invalid --out '': name the file to write/);
    expect(run.stdout).toBe('');
  });

  it('reads storage through a BlobEndpoint alone', async () => {
    const connection = [
      'DefaultEndpointsProtocol=http',
      `AccountName=${AZURITE_ACCOUNT}`,
      `AccountKey=${AZURITE_KEY}`,
      `BlobEndpoint=http://127.0.0.1:${azurite.blobPort}/${AZURITE_ACCOUNT}`,
    ].join(';');
    const run = await runScript(builtScript('cli'), ['result', 'saved', '--connection-string', connection]);

    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('{"batchId":"saved"}\n');
    expect(run.code).toBe(0);
  });
});
