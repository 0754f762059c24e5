import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RunningAzurite } from '../../scripts/src/azurite';
import { INPUT_CONTAINER, RESULTS_CONTAINER } from '../../scripts/src/names';
import { ensureStorageResources, openStorage } from '../../scripts/src/storage';
import { useAzurite } from '../support/azurite';
import { builtScript, expectOneLineError, runScript } from './run-script';
import { scriptedApi } from './scripted-api';

const cli = builtScript('cli');

function completed(batchId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const progress = { phase: 'done', total: 1, done: 1, failed: 0, rows: 6 };
  return {
    batchId,
    instanceId: `batch-${batchId}`,
    runtimeStatus: 'Completed',
    status: 'completed',
    progress,
    ...extra,
  };
}

function summaryJson(batchId: string, extra: Record<string, unknown> = {}): string {
  const input = { blobs: 1, bytes: 50, rows: 6, rejectedRows: 0, rejectedSamples: [] };
  return JSON.stringify({ batchId, runId: 'r1', status: 'completed', input, failedBlobs: 0, totalBlobs: 1, ...extra });
}

describe('batch report', () => {
  let azurite: RunningAzurite;
  let blobs: BlobServiceClient;
  let storageFlags: string[];
  let dir: string;

  async function putBlob(container: string, name: string, text: string): Promise<string> {
    const response = await blobs.getContainerClient(container).getBlockBlobClient(name).upload(text, text.length);
    return (response.etag ?? '').replace(/^"(.*)"$/, '$1');
  }

  /** Runs the CLI against a scripted API that repeats its last reply, then closes the API. */
  async function runWithApi(replies: unknown[], args: string[]) {
    const api = await scriptedApi(replies.map((body) => ({ status: 200, body })));
    try {
      const run = await runScript(cli, [...args, '--url', api.url, ...storageFlags]);
      return { ...run, requests: api.requests() };
    } finally {
      await api.close();
    }
  }

  beforeAll(async () => {
    azurite = await useAzurite();
    await ensureStorageResources(openStorage({ connectionString: azurite.connectionString }));
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    storageFlags = ['--connection-string', azurite.connectionString];
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-report-'));
    await writeFile(path.join(dir, 'f.csv'), 'k,v\na,1\n');
    await writeFile(path.join(dir, '_manifest.json'), '{"groupBy":["k"]}');

    const samples = [1, 2, 3, 4].map((line) => ({ file: 'f.ndjson', line, reason: 'field amout is missing or null' }));
    const input = { blobs: 1, bytes: 50, rows: 6, rejectedRows: 6, rejectedSamples: samples };
    await putBlob(RESULTS_CONTAINER, 'rejected/summary.json', summaryJson('rejected', { input }));
  }, 60_000);

  afterAll(async () => {
    await azurite?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('wait --etag names the run of a newer manifest', async () => {
    const newer = await putBlob(INPUT_CONTAINER, 'replaced/_manifest.json', '{"groupBy":["k"]}');
    const run = await runWithApi(
      [completed('replaced', { runId: 'r2', manifestEtag: newer })],
      ['wait', 'replaced', '--etag', '0x1OLD', '--start-timeout', '30'],
    );
    expect(run.code).toBe(3);
    expectOneLineError(
      run,
      new RegExp(
        `batch 'replaced' no longer shows the run of manifest 0x1OLD: its current run is run r2 \\(manifest ETag ` +
          `${newer}, Completed\\), so the run of manifest 0x1OLD ended or was replaced before run r2 started; ` +
          `see it with 'npm run cli -- status replaced --url \\S+ --connection-string CONNECTION_STRING'`,
      ),
    );
  });

  it('wait warns of rejected rows', async () => {
    const run = await runWithApi([completed('rejected', { runId: 'r1' })], ['wait', 'rejected']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('batch rejected ended as Completed (batch completed)');
    expect(lines[1]).toBe('input: 1 file, 6 rows, 6 rejected');
    expect(lines[2]).toBe('warning: all 6 rows were rejected and left out of the result; the first reasons:');
    expect(lines[3]).toBe('  f.ndjson line 1: field amout is missing or null');
    expect(lines.filter((line) => line.startsWith('  f.ndjson line '))).toHaveLength(3);
    expect(lines[lines.length - 1]).toContain('rejectedSamples in results/rejected/summary.json');
  });

  it('result warns of rejected rows on stderr', async () => {
    const run = await runWithApi([completed('rejected', { runId: 'r1' })], ['result', 'rejected']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { input: { rejectedRows: number } }).input.rejectedRows).toBe(6);
    expect(run.stderr).toContain('input: 1 file, 6 rows, 6 rejected\n');
    expect(run.stderr).toContain('warning: all 6 rows were rejected');
  });

  it('result names a newer terminated run', async () => {
    await putBlob(RESULTS_CONTAINER, 'stopped/summary.json', summaryJson('stopped'));
    const latest = completed('stopped', { runId: 'r2', runtimeStatus: 'Terminated', status: 'failed' });
    const run = await runWithApi([latest], ['result', 'stopped']);
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as { runId: string }).runId).toBe('r1');
    expect(run.stderr).toContain(
      'warning: results/stopped/summary.json is of run r1, but the latest run r2 ended as Terminated (batch failed) ' +
        'and wrote no result',
    );
  });

  it('result of a failed batch exits 1', async () => {
    await putBlob(RESULTS_CONTAINER, 'failing/summary.json', summaryJson('failing', { status: 'failed' }));
    const run = await runWithApi([completed('failing', { runId: 'r1', status: 'failed' })], ['result', 'failing']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('warning: results/failing/summary.json is of run');
  });

  it('wait counts rows without a warning', async () => {
    await putBlob(RESULTS_CONTAINER, 'clean/summary.json', summaryJson('clean'));
    const run = await runWithApi([completed('clean', { runId: 'r1' })], ['wait', 'clean']);
    expect(run.stdout).toBe('batch clean ended as Completed (batch completed)\ninput: 1 file, 6 rows, 0 rejected\n');
  });

  it('wait skips a run of an older manifest', async () => {
    const etag = await putBlob(INPUT_CONTAINER, 'newer/_manifest.json', '{}');
    const old = completed('newer', { runId: 'r1', manifestEtag: 'older-etag' });
    const current = completed('newer', { runId: 'r2', manifestEtag: etag, status: 'failed' });
    const run = await runWithApi([old, old, current], ['wait', 'newer', '--interval', '0.01']);
    expect(run.stderr).toContain('the latest run r1 of batch newer ran on an older _manifest.json');
    expect(run.stdout).toMatch(/^batch newer ended as Completed \(batch failed\)/);
    expect(run.code).toBe(1);
    expect(run.requests).toBe(3);
  });

  it('wait follows a run of the current manifest', async () => {
    const etag = await putBlob(INPUT_CONTAINER, 'same/_manifest.json', '{}');
    const run = await runWithApi([completed('same', { runId: 'r1', manifestEtag: etag })], ['wait', 'same']);
    expect(run.stdout).toMatch(/^batch same ended as Completed \(batch completed\)/);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('older _manifest.json');
  });

  it('hints to fix the manifest for a column missing everywhere', async () => {
    const failure = (blob: string) =>
      JSON.stringify({
        blob,
        kind: 'missing-column',
        message: 'The groupBy column "nope" is missing from the CSV header. The header has: "k", "v".',
      });
    await putBlob(RESULTS_CONTAINER, 'nocol/failed.jsonl', `${failure('a.csv')}\n${failure('b.csv')}\n`);
    await putBlob(RESULTS_CONTAINER, 'nocol/summary.json', summaryJson('nocol', { failedBlobs: 2, totalBlobs: 2 }));
    const run = await runWithApi([completed('nocol')], ['result', 'nocol']);
    expect(run.stderr).toContain('2 of the failures (missing-column) come from the manifest, which a redrive reuses');
    expect(run.stderr).toContain('upload the batch again with: npm run cli -- upload DIR --batch nocol');
    expect(run.stderr).not.toContain('redrive nocol');
  });

  it('hints to redrive files that can be fixed', async () => {
    const failure = { blob: 'a.csv', kind: 'parse', message: 'Unterminated quoted field at line 2' };
    await putBlob(RESULTS_CONTAINER, 'badfile/failed.jsonl', `${JSON.stringify(failure)}\n`);
    await putBlob(RESULTS_CONTAINER, 'badfile/summary.json', summaryJson('badfile', { failedBlobs: 1, totalBlobs: 2 }));
    const run = await runWithApi([completed('badfile')], ['result', 'badfile']);
    expect(run.stderr).toContain(
      'upload them without the manifest with: npm run cli -- upload DIR --batch badfile --data-only',
    );
    expect(run.stderr).toContain('reprocess only the failed files with: npm run cli -- redrive badfile');
  });

  it('hints to fix an invalid manifest', async () => {
    const error = { kind: 'invalid-manifest', message: 'Invalid manifest field "metrics"' };
    const view = completed('badmanifest', { status: 'failed', error });
    await putBlob(
      RESULTS_CONTAINER,
      'badmanifest/summary.json',
      summaryJson('badmanifest', { status: 'failed', error }),
    );
    const run = await runWithApi([view], ['wait', 'badmanifest']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('fix the manifest, then upload the batch again with: npm run cli -- upload DIR');
    expect(run.stdout).not.toContain('redrive');
  });

  it('upload --data-only keeps the manifest', async () => {
    const etag = await putBlob(INPUT_CONTAINER, 'dataonly/_manifest.json', '{"groupBy":["k"],"metrics":["v"]}');
    // The manifest started the latest run, so the upload does not wait for a run of it.
    const api = await scriptedApi([{ status: 200, body: completed('dataonly', { runId: 'r1', manifestEtag: etag }) }]);
    try {
      const run = await runScript(cli, [
        'upload',
        dir,
        '--batch',
        'dataonly',
        '--data-only',
        '--url',
        api.url,
        ...storageFlags,
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('left _manifest.json as it was, so no run started');
      expect(run.stdout).toContain(
        `'npm run cli -- redrive dataonly --url ${api.url} --connection-string CONNECTION_STRING'`,
      );
    } finally {
      await api.close();
    }
    const input = blobs.getContainerClient(INPUT_CONTAINER);
    const manifest = await input.getBlobClient('dataonly/_manifest.json').getProperties();
    expect(manifest.etag?.replace(/"/g, '')).toBe(etag);
    expect(await input.getBlobClient('dataonly/f.csv').exists()).toBe(true);
  });

  it('data-only upload without a manifest', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'Batch nomanifest has no run' } }]);
    try {
      const args = ['upload', dir, '--batch', 'nomanifest', '--data-only', '--url', api.url, ...storageFlags];
      const run = await runScript(cli, args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "no run started, because input/nomanifest/_manifest.json does not exist: upload the manifest with 'npm run " +
          `cli -- upload DIR --batch nomanifest --group-by COLUMNS --metrics COLUMNS --url ${api.url} ` +
          "--connection-string CONNECTION_STRING'",
      );
      expect(run.stdout).not.toContain('redrive');
    } finally {
      await api.close();
    }
  });

  it('upload prints a run that already ended', async () => {
    await putBlob(RESULTS_CONTAINER, 'quick/summary.json', summaryJson('quick', { runId: 'r9' }));
    // The API shows no run until the manifest exists, then a completed run of that manifest.
    const server = http.createServer((_request, response) => {
      const manifest = blobs.getContainerClient(INPUT_CONTAINER).getBlobClient('quick/_manifest.json');
      void manifest.getProperties().then(
        (properties) => {
          const view = completed('quick', { runId: 'r9', manifestEtag: properties.etag?.replace(/"/g, '') });
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view));
        },
        () => response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no run"}'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const run = await runScript(cli, ['upload', dir, '--batch', 'quick', '--url', url, ...storageFlags]);
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[1]).toBe('batch quick started run r9; it ended as Completed (batch completed)');
      expect(lines[2]).toBe('input: 1 file, 6 rows, 0 rejected');
      expect(lines[3]).toBe(
        `'npm run cli -- wait quick --run r9 --url ${url} --connection-string CONNECTION_STRING' exits with the code ` +
          'of this outcome',
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('upload --data-only rejects manifest options', async () => {
    const run = await runScript(cli, [
      'upload',
      dir,
      '--batch',
      'dataflags',
      '--data-only',
      '--metrics',
      'v',
      ...storageFlags,
    ]);
    expectOneLineError(run, /invalid --metrics with --data-only: --data-only leaves _manifest.json as it is/);
    expect(await blobs.getContainerClient(INPUT_CONTAINER).getBlobClient('dataflags/f.csv').exists()).toBe(false);
  });
});
