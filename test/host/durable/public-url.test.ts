import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createDurableService } from '../../../host/src/durable';
import { startHost, type RunningHost } from '../../../host/src/host';
import { FIXTURE_APPS, WEBHOOK } from './support/durable-test-host';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A public URL the host itself cannot reach (here a closed loopback port) must only appear in links: the
 * app's durable client calls the API through rpcBaseUrl, which uses the local origin.
 */
describe('host behind a public URL', () => {
  let host: RunningHost;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'public-url-'));
  let publicUrl: string;

  beforeAll(async () => {
    const [port, closedPort] = [await freePort(), await freePort()];
    publicUrl = `http://127.0.0.1:${closedPort}`;
    host = await startHost({
      appDir: path.join(FIXTURE_APPS, 'durable-patterns'),
      port,
      publicUrl,
      dataDir,
      logger: pino({ level: 'silent' }),
      createDurableService: (options) => createDurableService({ ...options, localBaseUrl: `http://127.0.0.1:${port}` }),
    });
  });

  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts through the client and links to the public URL', async () => {
    const local = `http://127.0.0.1:${host.port}`;
    const response = await fetch(`${local}/api/start/chain/behind-proxy`, { method: 'POST' });
    expect(response.status).toBe(202);
    const body = (await response.json()) as Record<string, string>;
    expect(body.statusQueryGetUri.startsWith(`${publicUrl}${WEBHOOK}/instances/behind-proxy?`)).toBe(true);

    let status: Record<string, unknown> = {};
    for (let i = 0; i < 200 && status.runtimeStatus !== 'Completed'; i++) {
      status = (await (await fetch(`${local}${WEBHOOK}/instances/behind-proxy`)).json()) as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(status.output).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
  });
});
