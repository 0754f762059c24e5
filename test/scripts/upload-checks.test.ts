import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';
import { INPUT_CONTAINER } from '../../scripts/src/names';
import { builtScript, expectOneLineError, runScript } from './run-script';

/** Serves GET /api/batches/{id} on loopback: the view in `views` for a known batch id, else HTTP 404. */
async function batchesApi(views: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const batchId = /^\/api\/batches\/([^/?]+)/.exec(request.url ?? '')?.[1] ?? '';
    const view = views[batchId];
    response.writeHead(view ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(view ?? { error: `Batch ${batchId} has no run` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('upload checks before writing', () => {
  const cli = builtScript('cli');
  let dir: string;
  let azurite: RunningAzurite;
  let api: { url: string; close(): Promise<void> };
  let flags: string[];

  /** Lists the blobs under input/<batchId>/ in the test's Azurite. */
  async function inputBlobs(batchId: string): Promise<string[]> {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      INPUT_CONTAINER,
    );
    if (!(await container.exists())) return [];
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: `${batchId}/` })) names.push(blob.name);
    return names;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-upload-checks-'));
    await writeFile(path.join(dir, 'one.csv'), 'k,v\na,1\n');
    azurite = await startAzurite({});
    api = await batchesApi({
      busy: { batchId: 'busy', instanceId: 'batch-busy', runtimeStatus: 'Running', runId: 'r1', progress: null },
      queued: { batchId: 'queued', instanceId: 'batch-queued', runtimeStatus: 'Pending', progress: null },
    });
    flags = ['--url', api.url, '--connection-string', azurite.connectionString];
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await azurite?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([['busy'], ['queued']])('rejects batch %s with an active run', async (batchId) => {
    const run = await runScript(cli, ['upload', dir, '--batch', batchId, ...flags]);
    expectOneLineError(
      run,
      new RegExp(
        `batch '${batchId}' has an active run.*wait for it with 'npm run cli -- wait ${batchId}'.*` +
          `'npm run cli -- terminate ${batchId}', then upload again`,
      ),
    );
    expect(run.code).toBe(1);
    expect(await inputBlobs(batchId)).toEqual([]);
  });

  it('rejects an active run with --no-wait', async () => {
    const run = await runScript(cli, ['upload', dir, '--batch', 'busy', '--no-wait', ...flags]);
    expectOneLineError(run, /batch 'busy' has an active run r1 \(Running\)/);
    expect(await inputBlobs('busy')).toEqual([]);
  });

  it.each([
    [['--start-timeout', '0'], 'timeout-zero', /invalid --start-timeout '0'/],
    [['--start-timeout', 'soon'], 'timeout-text', /invalid --start-timeout 'soon'/],
    [['--start-timeout', '0', '--no-wait'], 'timeout-no-wait', /invalid --start-timeout '0'/],
    [['--format', 'xml'], 'format', /invalid --format 'xml'/],
    [['--group-by', ',,'], 'group-by', /invalid --group-by ',,'/],
    [['--metrics', ''], 'metrics-empty', /invalid --metrics '': empty item/],
    [['--metrics', 'v', '--metrics', ' '], 'metrics-repeat', /invalid --metrics 'v, ': empty item/],
    [['--tolerated-failure-percentage', '0x10'], 'tolerated-hex', /invalid --tolerated-failure-percentage '0x10'/],
    [['--quantiles', '2'], 'quantiles', /invalid quantile '2'/],
    [['--tolerated-failure-percentage', '-1'], 'tolerated', /invalid --tolerated-failure-percentage '-1'/],
  ])('rejects %j before uploading', async (options, batchId, message) => {
    const run = await runScript(cli, ['upload', dir, '--batch', batchId, ...options, ...flags]);
    expectOneLineError(run, message);
    expect(await inputBlobs(batchId)).toEqual([]);
  });

  it('rejects an invalid --url before uploading', async () => {
    const args = ['--batch', 'invalid-url', '--url', 'notaurl', '--connection-string', azurite.connectionString];
    const run = await runScript(cli, ['upload', dir, ...args]);
    expectOneLineError(run, /invalid --url 'notaurl'/);
    expect(await inputBlobs('invalid-url')).toEqual([]);
  });

  it('names an active run after the start timeout', async () => {
    // The API never shows a run for this batch, as when the app ignored the manifest.
    const run = await runScript(cli, ['upload', dir, '--batch', 'ignored', '--start-timeout', '1', ...flags]);
    expect(run.code).toBe(3);
    const error = run.stderr.trimEnd().split('\n').pop();
    expect(error).toMatch(/^error: batch 'ignored' did not start a run on the uploaded manifest within 1 s/);
    expect(error).toMatch(/a run of the batch was active when the manifest arrived, so the app ignored the manifest/);
    expect(error).toMatch(/does not run or does not read the blob-created queue/);
    expect(await inputBlobs('ignored')).toEqual(['ignored/_manifest.json', 'ignored/one.csv']);
  });

  it('appends a repeated list option', async () => {
    const options = ['--group-by', 'k', '--group-by', 'j', '--metrics', 'v', '--metrics', 'w', '--no-wait'];
    const run = await runScript(cli, ['upload', dir, '--batch', 'repeated', ...options, ...flags]);
    expect(run.code).toBe(0);
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      INPUT_CONTAINER,
    );
    const manifest = (await container.getBlobClient('repeated/_manifest.json').downloadToBuffer()).toString();
    expect(JSON.parse(manifest)).toEqual({ groupBy: ['k', 'j'], metrics: ['v', 'w'] });
  });

  it('prints how to follow a --no-wait upload', async () => {
    const run = await runScript(cli, ['upload', dir, '--batch', 'nowait', '--no-wait', ...flags]);
    expect(run.code).toBe(0);
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      INPUT_CONTAINER,
    );
    const etag = (await container.getBlobClient('nowait/_manifest.json').getProperties()).etag?.replace(/"/g, '');
    expect(run.stdout).toContain(`follow the run of this manifest with 'npm run cli -- wait nowait --etag ${etag}'`);
    expect(run.stdout).toContain("Run 'npm run cli -- start nowait' only to run the batch again");
    expect(run.stdout).not.toContain('start the batch with');
  });
});
