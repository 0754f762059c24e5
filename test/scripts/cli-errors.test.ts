import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { azuriteConnectionString } from '../../scripts/src/azurite';
import { builtScript, expectOneLineError, freePort, occupyPort, runScript } from './run-script';
import { scriptedApi } from './scripted-api';

describe('CLI bad input', () => {
  const cli = builtScript('cli');
  let closedUrl: string;

  beforeAll(async () => {
    closedUrl = `http://127.0.0.1:${await freePort()}`;
  });

  it('rejects an invalid batch id', async () => {
    const run = await runScript(cli, ['status', 'Bad_Batch', '--url', closedUrl]);
    expectOneLineError(run, /invalid batch id 'Bad_Batch': use 1 to 63 characters/);
  });

  it('rejects a batch id longer than 63 characters', async () => {
    const run = await runScript(cli, ['upload', '.', '--batch', 'a'.repeat(64)]);
    expectOneLineError(run, /invalid batch id 'a{64}'/);
  });

  it('names the host that is not running', async () => {
    const run = await runScript(cli, ['status', 'flights', '--url', closedUrl]);
    expectOneLineError(
      run,
      new RegExp(`cannot reach the Function App at ${closedUrl}, the URL from --url .*npm start`),
    );
  });

  it.each([['notaurl'], ['127.0.0.1:7071'], ['ftp://127.0.0.1/']])('rejects the URL %s', async (url) => {
    const run = await runScript(cli, ['status', 'b1', '--url', url]);
    expectOneLineError(run, new RegExp(`invalid --url '${url}': expected .* http://host:port`));
  });

  it.each([['/api'], ['/?code=abc'], ['/#top']])('rejects a URL that ends in %s', async (suffix) => {
    const url = `${closedUrl}${suffix}`;
    const run = await runScript(cli, ['status', 'b1', '--url', url]);
    const value = url.replace(/[?]/g, '\\?');
    expectOneLineError(
      run,
      new RegExp(
        `invalid --url '${value}': expected .* origin without a path, query or fragment.* http://127.0.0.1:7071`,
      ),
    );
  });

  it('accepts an origin with a trailing slash', async () => {
    const run = await runScript(cli, ['status', 'flights', '--url', `${closedUrl}/`]);
    expectOneLineError(run, new RegExp(`cannot reach the Function App at ${closedUrl}/, the URL from --url`));
  });

  it('rejects an invalid FANOUT_URL', async () => {
    const run = await runScript(cli, ['status', 'b1'], { env: { FANOUT_URL: 'notaurl' } });
    expectOneLineError(run, /invalid FANOUT_URL 'notaurl': expected .* http:\/\/host:port/);
  });

  it('names the missing upload folder', async () => {
    const missing = path.join(os.tmpdir(), 'fanout-no-such-folder');
    const run = await runScript(cli, ['upload', missing, '--batch', 'b1']);
    expectOneLineError(run, new RegExp(`folder '${missing}' not found`));
  });

  it('rejects an empty upload folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-empty-'));
    try {
      const run = await runScript(cli, ['upload', dir, '--batch', 'b1']);
      expectOneLineError(run, /has no data files/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([['--run'], ['--etag']])('rejects an empty %s', async (option) => {
    const run = await runScript(cli, ['wait', 'b1', option, '', '--url', closedUrl]);
    expectOneLineError(run, new RegExp(`invalid ${option} '': pass the .* upload`));
  });

  it('rejects malformed event JSON', async () => {
    const run = await runScript(cli, ['raise-event', 'b1', 'approval', '{approved:', '--url', closedUrl]);
    expectOneLineError(run, /invalid JSON for event 'approval'/);
  });

  it('names unreachable storage for result', async () => {
    const port = await freePort();
    const connection = azuriteConnectionString(port, port, port);
    const run = await runScript(cli, ['result', 'b1', '--connection-string', connection]);
    expectOneLineError(
      run,
      new RegExp(
        `cannot reach storage at http://127.0.0.1:${port}/devstoreaccount1, ` +
          'the connection string from --connection-string: .*--data DIR.*--connection-string',
      ),
    );
  });

  it('names unreachable storage for result of an ended batch', async () => {
    const completed = { batchId: 'b1', instanceId: 'batch-b1', runtimeStatus: 'Completed', status: 'completed' };
    const api = await scriptedApi([{ status: 200, body: { ...completed, progress: null } }]);
    try {
      const port = await freePort();
      const connection = azuriteConnectionString(port, port, port);
      const run = await runScript(cli, ['result', 'b1', '--url', api.url, '--connection-string', connection]);
      expectOneLineError(run, new RegExp(`cannot reach storage at http://127.0.0.1:${port}/devstoreaccount1, `));
    } finally {
      await api.close();
    }
  });

  it('names the storage setting', async () => {
    const port = await freePort();
    const env = { DataStorage: azuriteConnectionString(port, port, port) };
    const run = await runScript(cli, ['result', 'b1'], { env });
    expectOneLineError(run, /cannot reach storage at .*, the connection string from the DataStorage setting: /);
  });

  it('names the stack.json of the storage', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-record-'));
    try {
      const port = await freePort();
      // The record names this test process, which is alive, as the running stack.
      const record = {
        pid: process.pid,
        apiUrl: closedUrl,
        connectionString: azuriteConnectionString(port, port, port),
      };
      await writeFile(path.join(dataDir, 'stack.json'), JSON.stringify(record));
      const env = { DataStorage: '', AzureWebJobsStorage: '' };
      const run = await runScript(cli, ['result', 'b1', '--data', dataDir], { env });
      const file = path.join(dataDir, 'stack.json');
      expectOneLineError(
        run,
        new RegExp(`cannot reach storage at http://127.0.0.1:${port}/\\S+, the connection string from ${file}: `),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reports a missing argument', async () => {
    const run = await runScript(cli, ['status']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/missing required argument 'id'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('start bad input', () => {
  const start = builtScript('start');
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-start-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the Azurite port in use', async () => {
    const busy = await occupyPort();
    try {
      const args = ['--port', String(await freePort()), '--blob-port', String(busy.port), '--queue-port', '0'];
      const run = await runScript(start, [...args, '--table-port', '0', '--data', dataDir]);
      expectOneLineError(run, new RegExp(`port ${busy.port} is already in use.*--blob-port`));
    } finally {
      await busy.close();
    }
  });

  it('names the API port in use', async () => {
    const busy = await occupyPort();
    try {
      const run = await runScript(start, ['--port', String(busy.port), '--data', dataDir]);
      expectOneLineError(run, new RegExp(`port ${busy.port} is already in use.*--port`));
    } finally {
      await busy.close();
    }
  });

  it('rejects a port that is not a number', async () => {
    const run = await runScript(start, ['--port', 'http', '--data', dataDir]);
    expectOneLineError(run, /invalid --port 'http'/);
  });
});
