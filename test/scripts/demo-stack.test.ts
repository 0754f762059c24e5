import http from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { azuriteConnectionString } from '../../scripts/src/azurite';
import { LOCAL_TASK_HUB } from '../../scripts/src/names';
import { builtScript, expectOneLineError, freePort, runScript } from './run-script';

describe('demo on a port that another server uses', () => {
  let dir: string;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-demo-port-'));
    server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>some other app</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('names the port and its server', async () => {
    const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
    const ports = ['--port', port, '--blob-port', blob, '--queue-port', queue, '--table-port', table].map(String);
    // Storage settings pointing at closed ports keep a demo that ignores its flags away from any real Azurite.
    const closed = azuriteConnectionString(blob, queue, table);

    const run = await runScript(builtScript('demo'), [...ports, '--days', '1', '--data', dir], {
      env: { DataStorage: closed, AzureWebJobsStorage: closed },
      timeoutMs: 90_000,
    });

    expectOneLineError(run, new RegExp(`port ${port} is in use by an HTTP server that is not this Function App`));
    expect(run.stderr).not.toMatch(/uploaded/);
  }, 100_000);
});

describe('demo on a data folder in use', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-demo-data-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails before starting Azurite', async () => {
    // The lock names this test process, which is alive, as the host that owns the task hub.
    await writeFile(path.join(dir, `${LOCAL_TASK_HUB}.sqlite.lock`), String(process.pid));
    const [api, blob, queue, table] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const ports = ['--port', api, '--blob-port', blob, '--queue-port', queue, '--table-port', table].map(String);

    const run = await runScript(builtScript('demo'), [...ports, '--days', '1', '--data', dir], { timeoutMs: 90_000 });

    expectOneLineError(run, new RegExp(`data folder ${dir} is in use by another host .*--data DIR`));
    expect(existsSync(path.join(dir, 'azurite'))).toBe(false);
  }, 100_000);
});
