import { BlobServiceClient } from '@azure/storage-blob';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';
import { INPUT_CONTAINER } from '../../scripts/src/names';
import { builtScript, expectOneLineError, runScript } from './run-script';

/** A batch view, or a function of the batch's request count (from 0) that returns the view or undefined for none. */
type ViewSource = unknown | ((request: number) => unknown);

/** Serves GET /api/batches/{id} on loopback: the view in `views` for a known batch id, else HTTP 404. */
async function batchesApi(views: Record<string, ViewSource>): Promise<{ url: string; close(): Promise<void> }> {
  const counts = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const batchId = /^\/api\/batches\/([^/?]+)/.exec(request.url ?? '')?.[1] ?? '';
    const count = counts.get(batchId) ?? 0;
    counts.set(batchId, count + 1);
    const source = views[batchId];
    void Promise.resolve(typeof source === 'function' ? (source as (request: number) => unknown)(count) : source).then(
      (view) => {
        response.writeHead(view ? 200 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(view ?? { error: `Batch ${batchId} has no run` }));
      },
    );
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

  /** Writes a blob under the input container of the test's Azurite and returns its ETag without quotes. */
  async function putInput(name: string, body: string): Promise<string> {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      INPUT_CONTAINER,
    );
    await container.createIfNotExists();
    const response = await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    return (response.etag ?? '').replace(/"/g, '');
  }

  /** Returns the ETag of a batch's manifest without quotes, or undefined when it does not exist. */
  async function manifestEtag(batchId: string): Promise<string | undefined> {
    const blob = BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(INPUT_CONTAINER)
      .getBlobClient(`${batchId}/_manifest.json`);
    return (await blob.exists()) ? (await blob.getProperties()).etag?.replace(/"/g, '') : undefined;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-upload-checks-'));
    await writeFile(path.join(dir, 'one.csv'), 'k,v\na,1\n');
    azurite = await startAzurite({});
    api = await batchesApi({
      busy: { batchId: 'busy', instanceId: 'batch-busy', runtimeStatus: 'Running', runId: 'r1', progress: null },
      queued: { batchId: 'queued', instanceId: 'batch-queued', runtimeStatus: 'Pending', progress: null },
      // No run at the first read, then a run that started while the data files were uploaded.
      racing: (request: number) =>
        request === 0
          ? undefined
          : { batchId: 'racing', instanceId: 'batch-racing', runtimeStatus: 'Running', runId: 'r2', progress: null },
      // A run of the uploaded manifest that ended as a failed batch.
      failing: async () => {
        const etag = await manifestEtag('failing');
        if (etag === undefined) return undefined;
        const view = { batchId: 'failing', instanceId: 'batch-failing', runId: 'r3', manifestEtag: etag };
        return { ...view, runtimeStatus: 'Completed', status: 'failed', progress: null };
      },
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
        `batch '${batchId}' has an active run.*wait for it with 'npm run cli -- wait ${batchId}[^']*'.*` +
          `'npm run cli -- terminate ${batchId}[^']*', then upload again`,
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
    expect(run.stdout).toContain(`follow the run of this manifest with 'npm run cli -- wait nowait --etag ${etag} `);
    expect(run.stdout).toMatch(/^uploaded 1 file \(/);
    expect(run.stdout).toContain("Run 'npm run cli -- start nowait --url");
    expect(run.stdout).not.toContain('start the batch with');
  });

  it('rejects a manifest that started no run', async () => {
    const etag = await putInput('pending/_manifest.json', '{"groupBy":["k"],"metrics":["v"]}');
    const run = await runScript(cli, ['upload', dir, '--batch', 'pending', ...flags]);
    expectOneLineError(
      run,
      new RegExp(
        `batch 'pending' has a _manifest.json that started no run yet \\(ETag ${etag}, written at [0-9T:.-]+Z\\).*` +
          `follow that run with 'npm run cli -- wait pending --etag ${etag} .*` +
          `run 'npm run cli -- start pending .*' or upload again after`,
      ),
    );
    expect(run.code).toBe(1);
    expect(await inputBlobs('pending')).toEqual(['pending/_manifest.json']);
  });

  it('keeps the manifest when a run starts during the upload', async () => {
    const run = await runScript(cli, ['upload', dir, '--batch', 'racing', ...flags]);
    expectOneLineError(
      run,
      new RegExp(
        "run r2 of batch 'racing' started \\(Running\\) while this upload wrote the data files, so it may read a " +
          'mix of old and new files, and this upload did not write _manifest.json: wait for the run with ' +
          "'npm run cli -- wait racing --run r2 .*', then upload again",
      ),
    );
    expect(run.code).toBe(1);
    expect(await inputBlobs('racing')).toEqual(['racing/one.csv']);
  });

  it('exits 1 when the run fails', async () => {
    const run = await runScript(cli, ['upload', dir, '--batch', 'failing', ...flags]);
    expect(run.stdout).toContain('batch failing started run r3; it ended as Completed (batch failed)');
    expect(run.code).toBe(1);
  });

  describe('from a folder with only a manifest', () => {
    let manifestDir: string;

    beforeAll(async () => {
      manifestDir = path.join(dir, 'manifest-only');
      await mkdir(manifestDir);
      await writeFile(path.join(manifestDir, '_manifest.json'), '{"groupBy":["k"],"metrics":["v"]}');
    });

    it('uploads the manifest for uploaded files', async () => {
      await putInput('again/old.csv', 'k,v\na,1\n');
      const run = await runScript(cli, ['upload', manifestDir, '--batch', 'again', '--no-wait', ...flags]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^uploaded only _manifest.json to input\/again\/, where the run reads the 1 file /);
      expect(await inputBlobs('again')).toEqual(['again/_manifest.json', 'again/old.csv']);
    });

    it('rejects a batch without files', async () => {
      const run = await runScript(cli, ['upload', manifestDir, '--batch', 'nofiles', ...flags]);
      expectOneLineError(run, /has no data files, and input\/nofiles\/ has none either: add CSV or NDJSON files/);
      expect(await inputBlobs('nofiles')).toEqual([]);
    });
  });

  it('names a symbolic link that it skips', async () => {
    const linked = path.join(dir, 'linked');
    await mkdir(linked);
    await writeFile(path.join(linked, 'one.csv'), 'k,v\na,1\n');
    await symlink(path.join(dir, 'missing.csv'), path.join(linked, 'broken.csv'));
    const run = await runScript(cli, ['upload', linked, '--batch', 'links', '--no-wait', ...flags]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: skipped symbolic link broken.csv: its target is missing or cannot be read (ENOENT)',
    );
  });
});
