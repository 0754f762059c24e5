import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { azuriteConnectionString } from '../../scripts/src/azurite';
import { builtScript, expectOneLineError, freePort, runScript } from './run-script';
import { scriptedApi } from './scripted-api';

const cli = builtScript('cli');

/** Serves a plain-text 404 for every request, as a static file server does for an unknown path. */
async function staticServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('a 404 that is not from the batch API', () => {
  it.each([['status'], ['redrive'], ['terminate'], ['purge'], ['start']])(
    '%s names a server without the API',
    async (command) => {
      const server = await staticServer();
      try {
        const run = await runScript(cli, [command, 'b1', '--url', server.url]);
        expectOneLineError(
          run,
          new RegExp(
            `no Function App API at ${server.url}, the URL from --url, \\((GET|POST) /api/batches/b1 returned ` +
              'HTTP 404: Not Found\\): check --url, FANOUT_URL or the apiUrl in stack.json',
          ),
        );
      } finally {
        await server.close();
      }
    },
  );

  it('names a route without a function', async () => {
    const api = await scriptedApi([
      { status: 404, body: { error: 'No function or API is served at GET /api/batches/b1' } },
    ]);
    try {
      const run = await runScript(cli, ['status', 'b1', '--url', api.url]);
      expectOneLineError(run, new RegExp(`no Function App API at ${api.url}, the URL from --url`));
    } finally {
      await api.close();
    }
  });

  it('keeps the batch API 404', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'Batch b1 has no run' } }]);
    try {
      const run = await runScript(cli, ['status', 'b1', '--url', api.url]);
      expectOneLineError(run, new RegExp(`batch 'b1' has no run at ${api.url}`));
    } finally {
      await api.close();
    }
  });
});

describe('upload without the Function App', () => {
  it('fails before writing blobs', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-unreachable-'));
    try {
      await writeFile(path.join(dir, 'a.csv'), 'k,v\na,1\n');
      const closedUrl = `http://127.0.0.1:${await freePort()}`;
      const port = await freePort();
      const storage = azuriteConnectionString(port, port, port);
      const args = ['upload', dir, '--batch', 'b1', '--group-by', 'k', '--metrics', 'v', '--url', closedUrl];
      const run = await runScript(cli, [...args, '--connection-string', storage]);
      expectOneLineError(run, new RegExp(`cannot reach the Function App at ${closedUrl}, the URL from --url`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('apiUrl in stack.json', () => {
  it.each([['/api'], ['/?code=abc'], ['/#top']])('rejects an apiUrl that ends in %s', async (suffix) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-api-url-'));
    try {
      const apiUrl = `http://127.0.0.1:9${suffix}`;
      await writeFile(
        path.join(dataDir, 'stack.json'),
        JSON.stringify({ apiUrl, connectionString: 'UseDevelopmentStorage=true', pid: process.pid }),
      );
      const run = await runScript(cli, ['status', 'b1', '--data', dataDir], { env: { FANOUT_URL: undefined } });
      const file = path.join(dataDir, 'stack.json');
      expectOneLineError(run, /expected the Function App's origin without a path, query or fragment/);
      expect(run.stderr).toContain(`invalid apiUrl in ${file} '${apiUrl}'`);
      expect(run.stderr).toContain("start the stack again with 'npm start', or pass --url");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
