import { BlobServiceClient } from '@azure/storage-blob';
import fs from 'node:fs';
import path from 'node:path';
import { BatchOutput, ListOutput, MapOutput, RunMode } from '../../functions/src/batch/contracts';
import { readLatestRun } from '../../functions/src/batch/latest-run';
import { listBatchFiles, maxFiles } from '../../functions/src/batch/list-files';
import { mapBlob } from '../../functions/src/batch/map-blob';
import { newRunId } from '../../functions/src/batch/run-control';
import { reduceBatch, reduceChunk } from '../../functions/src/batch/reduce';
import { writeBatchResult } from '../../functions/src/batch/write-result';
import { SettingsSource } from '../../functions/src/storage/connection';
import { EventLogger, parseLogLine } from '../../functions/src/telemetry/log';
import { RunningAzurite, startAzurite } from '../../scripts/src/azurite';
import {
  byteTotal,
  csvFile,
  expectedGroups,
  expectGroups,
  makeRows,
  ndjsonFile,
  readResult,
  SALES_MANIFEST,
  uploadBatch,
} from './support/batch-data';

/** Log lines written by the activities, kept for assertions. */
const lines: string[] = [];
const logger: EventLogger = {
  info: (...args: unknown[]) => lines.push(args.join(' ')),
  warn: (...args: unknown[]) => lines.push(args.join(' ')),
  error: (...args: unknown[]) => lines.push(args.join(' ')),
};

interface ActivityRun {
  listing: ListOutput;
  maps: MapOutput[];
  output: BatchOutput;
}

interface RunOptions {
  /** App settings the listing reads instead of `process.env`. */
  settings?: SettingsSource;
  /** Runs between the listing and the map step, for example to delete a listed blob. */
  afterListing?: () => Promise<void>;
}

/** Calls the activities in the order the batch orchestrator does, without the Durable engine. */
async function runActivities(
  batchId: string,
  mode: RunMode = 'full',
  baseRunId?: string,
  options: RunOptions = {},
): Promise<ActivityRun> {
  const runId = newRunId();
  const instanceId = `batch-${batchId}`;
  const startedAt = new Date().toISOString();
  const listing = await listBatchFiles({ batchId, runId, mode, baseRunId }, logger, options.settings);
  const common = { batchId, instanceId, runId, mode, startedAt, finishedAt: new Date().toISOString() };
  if (!listing.ok) {
    const output = await writeBatchResult(
      { ...common, total: 0, toleratedFailurePercentage: 0, error: listing.error },
      logger,
    );
    return { listing, maps: [], output };
  }
  await options.afterListing?.();

  const maps: MapOutput[] = [];
  for (const chunk of listing.chunks) {
    for (let group = 0; group < chunk.groups; group += 1) {
      maps.push(await mapBlob({ batchId, runId, chunkIndex: chunk.index, group }, logger));
    }
    await reduceChunk({ batchId, runId, chunk }, logger);
  }
  await reduceBatch({ batchId, runId, chunkCount: listing.chunks.length, baseRunId }, logger);
  const tolerated = listing.toleratedFailurePercentage;
  const output = await writeBatchResult(
    { ...common, total: listing.total, toleratedFailurePercentage: tolerated },
    logger,
  );
  return { listing, maps, output };
}

describe('batch activities on Azurite', () => {
  let azurite: RunningAzurite;
  let service: BlobServiceClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    process.env.DataStorage = azurite.connectionString;
    service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  });

  afterAll(async () => {
    delete process.env.DataStorage;
    await azurite.stop();
  });

  const summaryOf = async (batchId: string) => JSON.parse(await readResult(service, batchId, 'summary.json'));

  it('summarize CSV batch exactly', async () => {
    const files = [
      csvFile('a.csv', makeRows(1, 40)),
      csvFile('b.csv', makeRows(2, 25)),
      csvFile('c.csv', makeRows(3, 7)),
    ];
    await uploadBatch(service, 'csv-direct', files, SALES_MANIFEST);

    const run = await runActivities('csv-direct');

    const summary = await summaryOf('csv-direct');
    expect(summary.status).toBe('completed');
    expect(summary.input).toMatchObject({ blobs: 3, bytes: byteTotal(files), rows: 72, rejectedRows: 0 });
    expect(summary.failedBlobs).toBe(0);
    expectGroups(summary.groups, expectedGroups(files.flatMap((file) => file.rows)));
    expect(run.output).toMatchObject({ status: 'completed', total: 3, succeeded: 3, failed: 0, rows: 72 });
    expect(await readResult(service, 'csv-direct', 'failed.jsonl')).toBe('');
  });

  it('map output stays small', async () => {
    const files = [ndjsonFile('big.ndjson', makeRows(4, 3000))];
    await uploadBatch(service, 'small-outputs', files, SALES_MANIFEST);

    const run = await runActivities('small-outputs');

    expect(run.maps).toHaveLength(1);
    expect(JSON.stringify(run.maps[0]).length).toBeLessThan(300);
    expect(JSON.stringify(run.listing).length).toBeLessThan(300);
    expect((await summaryOf('small-outputs')).input.rows).toBe(3000);
  });

  it('split file list into chunks', async () => {
    const files = Array.from({ length: 7 }, (_, index) => csvFile(`f${index}.csv`, makeRows(10 + index, 5)));
    await uploadBatch(service, 'chunked', files, { ...SALES_MANIFEST, chunkSize: 3 });

    const run = await runActivities('chunked');

    expect(run.listing).toMatchObject({
      ok: true,
      total: 7,
      files: 7,
      chunks: [
        { index: 0, start: 0, count: 3, groups: 3 },
        { index: 1, start: 3, count: 3, groups: 3 },
        { index: 2, start: 6, count: 1, groups: 1 },
      ],
    });
    expectGroups((await summaryOf('chunked')).groups, expectedGroups(files.flatMap((file) => file.rows)));
  });

  it('map small files in groups', async () => {
    const names = Array.from({ length: 40 }, (_, index) => `g${String(index).padStart(2, '0')}.csv`);
    const files = names.map((name, index) =>
      index === 4 || index === 5
        ? { name, content: 'region,price\neu,3\n', rows: [] }
        : csvFile(name, makeRows(100 + index, 4)),
    );
    await uploadBatch(service, 'grouped', files, SALES_MANIFEST);

    const run = await runActivities('grouped');

    // A group of 40 files takes at most ceil(40 / 16) = 3 consecutive files: 13 groups of 3 and the last file alone.
    expect(run.listing).toMatchObject({ ok: true, chunks: [{ start: 0, count: 40, groups: 14 }] });
    expect(run.maps.map((map) => [map.fileIndex, map.files])).toEqual(
      Array.from({ length: 14 }, (_, group) => [group * 3, group === 13 ? 1 : 3]),
    );
    expect(run.maps[1]).toMatchObject({ failed: 2, error: { kind: 'missing-column' } });
    expect(run.maps[1].error?.message).toMatch(/^g04\.csv: .*\(and 1 more of this group's 3 files\)$/);
    expect(run.maps.filter((map) => map.failed > 0)).toHaveLength(1);
    expect(run.output).toMatchObject({ total: 40, succeeded: 38, failed: 2 });
    const failed = (await readResult(service, 'grouped', 'failed.jsonl')).trim().split('\n');
    expect(failed.map((line) => JSON.parse(line).blob)).toEqual(['g04.csv', 'g05.csv']);
    expectGroups((await summaryOf('grouped')).groups, expectedGroups(files.flatMap((file) => file.rows)));
  });

  it('MAP_GROUP_MAX_BYTES limits the bytes of a group', async () => {
    const files = Array.from({ length: 64 }, (_, index) => csvFile(`s${index}.csv`, makeRows(200 + index, 3)));
    await uploadBatch(service, 'group-bytes', files, SALES_MANIFEST);
    const largest = Math.max(...files.map((file) => file.content.length));

    const settings = { MAP_GROUP_MAX_BYTES: String(2 * largest) };
    const run = await runActivities('group-bytes', 'full', undefined, { settings });

    // 64 files allow groups of 4, but the byte limit admits 2 files at most.
    expect(Math.max(...run.maps.map((map) => map.files))).toBe(2);
    expect(run.maps.reduce((sum, map) => sum + map.files, 0)).toBe(64);
    expectGroups((await summaryOf('group-bytes')).groups, expectedGroups(files.flatMap((file) => file.rows)));
  });

  it('invalid setting fails the run at once', async () => {
    await uploadBatch(service, 'group-setting', [csvFile('a.csv', makeRows(1, 2))], SALES_MANIFEST);
    const message = 'App setting MAP_GROUP_MAX_FILES is "1e3": set an integer from 1 to 5000, or remove it to use 32';

    const run = await runActivities('group-setting', 'full', undefined, { settings: { MAP_GROUP_MAX_FILES: ' 1e3' } });

    expect(run.listing).toEqual({ ok: false, error: { kind: 'invalid-setting', message } });
    expect(run.output).toMatchObject({ status: 'failed', error: { kind: 'invalid-setting', message } });
    const summary = await summaryOf('group-setting');
    expect(summary.status).toBe('failed');
    expect(summary.error).toEqual({ kind: 'invalid-setting', message });
    expect(summary.totalBlobs).toBe(0);
    const rejected = lines.filter((line) => line.startsWith('activity.list-rejected '));
    expect(rejected.map((line) => parseLogLine(line)?.fields.kind)).toContain('invalid-setting');

    const redrive = await listBatchFiles({ batchId: 'group-setting', runId: newRunId(), mode: 'redrive' }, logger, {
      BATCH_MAX_FILES: '99999999999999999999',
    });
    expect(redrive).toEqual({
      ok: false,
      error: {
        kind: 'invalid-setting',
        message:
          'App setting BATCH_MAX_FILES is "99999999999999999999": set an integer from 1 to 10000000, or remove it ' +
          'to use 100000',
      },
    });
  });

  it('batch without data files fails', async () => {
    await uploadBatch(service, 'no-data', [], SALES_MANIFEST);

    const run = await runActivities('no-data');

    const message =
      'Batch no-data has no data files: input/no-data/ contains only _manifest.json. Upload the data files under ' +
      'input/no-data/, then upload the manifest again or POST /api/batches/no-data';
    expect(run.listing).toEqual({ ok: false, error: { kind: 'missing-files', message } });
    expect(run.output).toMatchObject({ status: 'failed', total: 0, error: { kind: 'missing-files', message } });
    const summary = await summaryOf('no-data');
    expect(summary).toMatchObject({ status: 'failed', error: { kind: 'missing-files', message }, totalBlobs: 0 });
  });

  it('header-only file gives empty result', async () => {
    const files = [{ name: 'empty.csv', content: 'region,amount,qty\n', rows: [] }];
    await uploadBatch(service, 'empty-direct', files, SALES_MANIFEST);

    const run = await runActivities('empty-direct');

    const summary = await summaryOf('empty-direct');
    expect(run.listing).toMatchObject({ ok: true, total: 1 });
    expect(summary).toMatchObject({ status: 'completed', failedBlobs: 0, groups: [] });
    expect(summary.input).toMatchObject({ blobs: 1, bytes: 18, rows: 0 });
    expect(await readResult(service, 'empty-direct', 'summary.csv')).toBe(
      'region,count,amount.count,amount.sum,amount.min,amount.max,amount.mean,amount.p50,amount.p95,amount.p99,' +
        'qty.count,qty.sum,qty.min,qty.max,qty.mean,qty.p50,qty.p95,qty.p99\n',
    );
  });

  it('invalid manifest fails batch', async () => {
    await uploadBatch(service, 'bad-manifest', [csvFile('a.csv', makeRows(1, 3))], { groupBy: 'region' });

    const run = await runActivities('bad-manifest');

    expect(run.listing).toMatchObject({ ok: false, error: { kind: 'invalid-manifest' } });
    const summary = await summaryOf('bad-manifest');
    expect(summary.status).toBe('failed');
    expect(summary.error.message).toContain('Invalid manifest field "groupBy"');
    expect(run.output.status).toBe('failed');
  });

  it('non-UTF-8 manifest fails batch', async () => {
    await uploadBatch(service, 'latin1-manifest', [csvFile('a.csv', makeRows(1, 3))], SALES_MANIFEST);
    const bytes = Buffer.from('{"groupBy": ["r\xe9gion"], "metrics": ["amount"]}', 'latin1');
    await service
      .getContainerClient('input')
      .getBlockBlobClient('latin1-manifest/_manifest.json')
      .upload(bytes, bytes.length);

    const run = await runActivities('latin1-manifest');

    const message =
      'Invalid manifest: not valid UTF-8 (the byte sequence at offset 15 is malformed). ' +
      'Save _manifest.json as UTF-8 and upload it again.';
    expect(run.listing).toEqual({ ok: false, error: { kind: 'invalid-manifest', message } });
    expect(run.maps).toEqual([]);
    expect(await summaryOf('latin1-manifest')).toMatchObject({ status: 'failed', error: { kind: 'invalid-manifest' } });
  });

  it('README lists summary.json fields', async () => {
    await uploadBatch(service, 'readme-ok', [csvFile('a.csv', makeRows(1, 3))], SALES_MANIFEST);
    await uploadBatch(service, 'readme-bad', [], { groupBy: 'region' });
    await runActivities('readme-ok');
    await runActivities('readme-bad');
    const keys = new Set([...Object.keys(await summaryOf('readme-ok')), ...Object.keys(await summaryOf('readme-bad'))]);
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('`summary.json` contains:'), readme.indexOf('`count`, `sum`, `min`'));
    const documented = new Set(
      table
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .flatMap((line) => [...line.split('|')[1].matchAll(/`(\w+)(?:\[\])?`/g)].map((match) => match[1])),
    );

    expect([...keys].filter((key) => !documented.has(key))).toEqual([]);
  });

  it('maxItems exceeded fails batch', async () => {
    const files = [csvFile('a.csv', makeRows(1, 2)), csvFile('b.csv', makeRows(2, 2))];
    await uploadBatch(service, 'too-many', files, { ...SALES_MANIFEST, maxItems: 1 });

    const run = await runActivities('too-many');

    expect(run.listing).toEqual({
      ok: false,
      error: {
        kind: 'too-many-items',
        message: "Batch too-many has 2 files, more than the manifest's maxItems 1: raise maxItems or split the batch",
      },
    });
    expect((await summaryOf('too-many')).status).toBe('failed');
  });

  it('BATCH_MAX_FILES caps files without maxItems', async () => {
    const files = [0, 1, 2].map((index) => csvFile(`f${index}.csv`, makeRows(index, 2)));
    await uploadBatch(service, 'capped', files, SALES_MANIFEST);
    const settings = { BATCH_MAX_FILES: '2' };

    const listed = await runActivities('capped', 'full', undefined, { settings });

    expect(listed.listing).toEqual({
      ok: false,
      error: {
        kind: 'too-many-items',
        message:
          'Batch capped has 3 files, more than the limit of 2 for a manifest without maxItems: set maxItems in ' +
          'the manifest (or the app setting BATCH_MAX_FILES) to raise it, or split the batch',
      },
    });
    expect(await summaryOf('capped')).toMatchObject({ status: 'failed', error: { kind: 'too-many-items' } });

    await uploadBatch(service, 'capped', [], { ...SALES_MANIFEST, files: ['f0.csv', 'f1.csv', 'f2.csv'] });
    const named = await runActivities('capped', 'full', undefined, { settings });
    expect(named.listing).toMatchObject({ ok: false, error: { kind: 'too-many-items' } });

    await uploadBatch(service, 'capped', [], { ...SALES_MANIFEST, maxItems: 3 });
    const raised = await runActivities('capped', 'full', undefined, { settings });
    expect(raised.output).toMatchObject({ status: 'completed', total: 3, succeeded: 3 });
  });

  it('BATCH_MAX_FILES default and validation', () => {
    expect(maxFiles({})).toBe(100000);
    expect(maxFiles({ BATCH_MAX_FILES: ' 250000 ' })).toBe(250000);
    expect(maxFiles({ BATCH_MAX_FILES: '10000000' })).toBe(10000000);
    expect(() => maxFiles({ BATCH_MAX_FILES: '0' })).toThrow(
      'App setting BATCH_MAX_FILES is "0": set an integer from 1 to 10000000, or remove it to use 100000',
    );
    expect(() => maxFiles({ BATCH_MAX_FILES: '10000001' })).toThrow('set an integer from 1 to 10000000');
  });

  it('missing listed files fail listing', async () => {
    const names = ['a.csv', ...Array.from({ length: 12 }, (_, index) => `gone-${index}.csv`)];
    await uploadBatch(service, 'missing-files', [csvFile('a.csv', makeRows(1, 3))], {
      ...SALES_MANIFEST,
      files: names,
    });

    const run = await runActivities('missing-files');

    const shown = names.slice(1, 11).map((name) => `"${name}"`);
    const message =
      'Batch missing-files: 12 of the 13 files the manifest lists do not exist under input/missing-files/ ' +
      `(the first 10: ${shown.join(', ')}): upload them, or remove them from "files"`;
    expect(run.listing).toEqual({ ok: false, error: { kind: 'missing-files', message } });
    expect(run.maps).toEqual([]);
    const summary = await summaryOf('missing-files');
    expect(summary).toMatchObject({ status: 'failed', error: { kind: 'missing-files', message } });
    expect(run.output).toMatchObject({ status: 'failed', total: 0, error: { kind: 'missing-files' } });
  });

  it('300,000 missing files fail fast', async () => {
    const names = Array.from({ length: 300000 }, (_, index) => `absent/${index}.csv`);
    await uploadBatch(service, 'huge-files', [csvFile('x.csv', makeRows(1, 2))], {
      ...SALES_MANIFEST,
      files: names,
      maxItems: names.length,
    });
    const started = Date.now();

    const run = await runActivities('huge-files');

    expect(Date.now() - started).toBeLessThan(20000);
    expect(run.listing).toMatchObject({ ok: false, error: { kind: 'missing-files' } });
    const message = (run.listing as { error: { message: string } }).error.message;
    expect(message).toContain('300000 of the 300000 files the manifest lists do not exist');
    expect(message).toContain('"absent/9.csv"');
    expect(message).not.toContain('"absent/10.csv"');
  }, 60000);

  it('bad files become typed failures', async () => {
    const files = [
      csvFile('good.csv', makeRows(1, 10)),
      { name: 'no-amount.csv', content: 'region,price\neu,3\n', rows: [] },
      { name: 'notes.txt', content: 'hello', rows: [] },
      csvFile('gone.csv', makeRows(2, 3)),
    ];
    await uploadBatch(service, 'bad-files', files, {
      ...SALES_MANIFEST,
      files: ['good.csv', 'no-amount.csv', 'notes.txt', 'gone.csv'],
    });
    // A blob deleted after the listing is still a per-file failure.
    const afterListing = async () => {
      await service.getContainerClient('input').getBlobClient('bad-files/gone.csv').delete();
    };

    const run = await runActivities('bad-files', 'full', undefined, { afterListing });

    expect(run.maps.map((map) => map.error?.kind ?? 'ok')).toEqual(['ok', 'missing-column', 'unreadable', 'not-found']);
    const failed = (await readResult(service, 'bad-files', 'failed.jsonl'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(failed.map((line) => line.blob)).toEqual(['no-amount.csv', 'notes.txt', 'gone.csv']);
    expect(failed[2].message).toBe(
      "Blob input/bad-files/gone.csv not found: upload it or remove it from the manifest's files",
    );
    const summary = await summaryOf('bad-files');
    expect(summary).toMatchObject({ status: 'failed', failedBlobs: 3, totalBlobs: 4, failedPercentage: 75 });
    expectGroups(summary.groups, expectedGroups(files[0].rows));
    const logged = lines
      .map((line) => parseLogLine(line))
      .find(
        (parsed) => parsed?.event === 'activity.map-file-failed' && parsed.fields.blob === 'input/bad-files/gone.csv',
      );
    expect(logged?.fields).toMatchObject({ batchId: 'bad-files', instanceId: 'batch-bad-files', kind: 'not-found' });
  });

  it('file with every row rejected fails', async () => {
    const good = [ndjsonFile('a.ndjson', makeRows(1, 6)), ndjsonFile('b.ndjson', makeRows(2, 6))];
    const typo = { name: 'typo.ndjson', content: '{"region":"eu","amout":1,"qty":2}\n', rows: [] };
    const csv = { ...csvFile('sales.csv', makeRows(3, 4)), rows: [] };
    const files = [...good, typo, csv];
    await uploadBatch(service, 'all-rejected', files, { ...SALES_MANIFEST, format: 'ndjson' });

    const run = await runActivities('all-rejected');

    expect(run.output).toMatchObject({ status: 'failed', total: 4, succeeded: 2, failed: 2 });
    const failed = (await readResult(service, 'all-rejected', 'failed.jsonl'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(failed.map((line) => [line.blob, line.kind])).toEqual([
      ['sales.csv', 'all-rows-rejected'],
      ['typo.ndjson', 'all-rows-rejected'],
    ]);
    expect(failed[0].message).toContain('all 5 data rows were rejected');
    expect(failed[0].message).toContain('The file is not NDJSON');
    expect(failed[1].message).toContain('line 1: field "amount" is missing or null');
    const summary = await summaryOf('all-rejected');
    expect(summary).toMatchObject({ status: 'failed', failedBlobs: 2, totalBlobs: 4 });
    expect(summary.input).toMatchObject({ blobs: 2, rows: 12, rejectedRows: 0 });
    expectGroups(summary.groups, expectedGroups(good.flatMap((file) => file.rows)));

    await uploadBatch(service, 'all-rejected', [], {
      ...SALES_MANIFEST,
      format: 'ndjson',
      toleratedFailurePercentage: 50,
    });
    expect((await runActivities('all-rejected')).output).toMatchObject({ status: 'completed', failed: 2 });
  });

  it('tolerated failures still complete', async () => {
    const files = [
      ...Array.from({ length: 4 }, (_, index) => csvFile(`ok${index}.csv`, makeRows(index, 5))),
      { name: 'bad.csv', content: 'region\neu\n', rows: [] },
    ];
    await uploadBatch(service, 'tolerated', files, { ...SALES_MANIFEST, toleratedFailurePercentage: 20 });

    const run = await runActivities('tolerated');

    expect(run.output).toMatchObject({ status: 'completed', total: 5, succeeded: 4, failed: 1 });
  });

  it('redrive merges with base run', async () => {
    const good = [csvFile('a.csv', makeRows(1, 12)), csvFile('b.csv', makeRows(2, 9))];
    const fixed = csvFile('c.csv', makeRows(3, 6));
    await uploadBatch(
      service,
      'redrive-direct',
      [...good, { name: 'c.csv', content: 'region,qty\neu,1\n', rows: [] }],
      SALES_MANIFEST,
    );
    const first = await runActivities('redrive-direct');
    expect(first.output).toMatchObject({ status: 'failed', failed: 1 });
    const latest = await readLatestRun('redrive-direct');
    expect(latest).toMatchObject({ runId: first.output.runId, failed: 1, mapped: true });

    await service
      .getContainerClient('input')
      .getBlockBlobClient('redrive-direct/c.csv')
      .upload(fixed.content, fixed.content.length);
    const second = await runActivities('redrive-direct', 'redrive', latest?.runId);

    expect(second.listing).toMatchObject({ ok: true, total: 3, files: 1 });
    expect(second.maps).toEqual([expect.objectContaining({ files: 1, failed: 0, rows: 6 })]);
    const summary = await summaryOf('redrive-direct');
    expect(summary).toMatchObject({ status: 'completed', mode: 'redrive', failedBlobs: 0, totalBlobs: 3 });
    expect(summary.input).toMatchObject({ blobs: 3, rows: 27, bytes: byteTotal([...good, fixed]) });
    expectGroups(summary.groups, expectedGroups([...good, fixed].flatMap((file) => file.rows)));
    expect(await readResult(service, 'redrive-direct', 'failed.jsonl')).toBe('');
  });

  it('deleted results container is recreated', async () => {
    await uploadBatch(service, 'recreate', [csvFile('a.csv', makeRows(1, 4))], SALES_MANIFEST);
    await runActivities('recreate');
    await service.getContainerClient('results').delete();

    const run = await runActivities('recreate');

    expect(run.output.status).toBe('completed');
    expect((await summaryOf('recreate')).input.rows).toBe(4);
  });

  it('redrive without previous run fails', async () => {
    const run = await runActivities('never-ran', 'redrive');
    expect(run.listing).toMatchObject({ ok: false, error: { kind: 'no-previous-run' } });
  });

  /** Runs a batch whose one file fails, so the run can be redriven, and returns the run id. */
  async function runWithOneFailure(batchId: string): Promise<string> {
    const files = [csvFile('a.csv', makeRows(1, 5)), { name: 'b.csv', content: 'region,qty\neu,1\n', rows: [] }];
    await uploadBatch(service, batchId, files, SALES_MANIFEST);
    const first = await runActivities(batchId);
    expect(first.output).toMatchObject({ status: 'failed', failed: 1 });
    return first.output.runId;
  }

  /** Deletes the named blobs of a run's work folder, as the work container's lifecycle rule would. */
  async function expireRunBlobs(batchId: string, runId: string, names: readonly string[]): Promise<void> {
    const work = service.getContainerClient('work');
    for (const name of names) {
      await work.getBlobClient(`${batchId}/runs/${runId}/${name}`).delete();
    }
  }

  it.each([
    ['expired-manifest', ['manifest.json']],
    ['expired-merged', ['merged.json']],
    ['expired-both', ['manifest.json', 'merged.json']],
  ])('redrive of expired base run %s fails', async (batchId, expired) => {
    const baseRunId = await runWithOneFailure(batchId);
    await expireRunBlobs(batchId, baseRunId, expired);

    const run = await runActivities(batchId, 'redrive', baseRunId);

    expect(run.listing).toMatchObject({ ok: false, error: { kind: 'no-previous-run' } });
    const message = run.listing.ok ? '' : run.listing.error.message;
    for (const name of expired) {
      expect(message).toContain(`work/${batchId}/runs/${baseRunId}/${name}`);
    }
    expect(message).toContain("expired by the work container's lifecycle rule");
    expect(message).toContain(`Start the batch again with POST /api/batches/${batchId}`);
    expect(run.output).toMatchObject({ status: 'failed', error: { kind: 'no-previous-run', message } });
    expect(lines.some((line) => line.startsWith('activity.list-rejected ') && line.includes(baseRunId))).toBe(true);
  });
});
