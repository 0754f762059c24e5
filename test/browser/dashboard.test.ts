import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Browser, Page } from 'playwright-core';
import { createHostDashboard } from '../../host/src/dashboard';
import { RunningHost, startHost } from '../../host/src/host';
import { parseBlobEventRule } from '../../host/src/triggers/blob-event-rule';
import { azuriteConnectionString, RunningAzurite, startAzurite } from '../../scripts/src/azurite';
import { ensureStorageResources, inputContainer, openStorage } from '../../scripts/src/storage';
import { launchChromium } from './chromium';
import { HeldBlobProxy, startHeldBlobProxy } from './held-blob-proxy';

const APP_DIR = path.resolve(__dirname, '../../functions');
const SCREENSHOT = path.resolve(__dirname, '../../test-output/dashboard.png');
const LARGE_SCREENSHOT = path.resolve(__dirname, '../../test-output/dashboard-large.png');
const BATCH_ID = 'dashboard-twelve';
const INSTANCE_ID = `batch-${BATCH_ID}`;
const MAP_ACTIVITY = 'mapBlob';
const INVALID_BATCH_ID = 'dashboard-invalid';
const LARGE_BATCH_ID = 'dashboard-large';
/** More map activities than the 600 rows the timeline draws at most, so rows must aggregate. */
const LARGE_BATCH_FILES = 650;
/** The large batch's file whose read is delayed until the page has shown the batch partly done. */
const HELD_FILE = `${LARGE_BATCH_ID}/part-0.csv`;

/** A file name with markup in it: the page must show it as text. */
const BAD_FILE = 'notes <b>bold</b> & <img src=x>.csv';
const GOOD_FILES = Array.from({ length: 11 }, (_, index) => `sales-${String(index + 1).padStart(2, '0')}.csv`);
const MANIFEST = { groupBy: ['region'], metrics: ['amount'], chunkSize: 5, toleratedFailurePercentage: 10 };

function salesCsv(seed: number): string {
  const rows = Array.from({ length: 50 }, (_, row) => `${['north', 'south', 'east'][row % 3]},${seed * 100 + row}`);
  return ['region,amount', ...rows].join('\n');
}

describe('dashboard', () => {
  let azurite: RunningAzurite;
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let proxy: HeldBlobProxy;

  beforeAll(async () => {
    azurite = await startAzurite();
    await ensureStorageResources(openStorage({ connectionString: azurite.connectionString }));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
    const connection = azurite.connectionString;
    proxy = await startHeldBlobProxy(azurite.blobPort, HELD_FILE);
    host = await startHost({
      appDir: APP_DIR,
      port: 0,
      dataDir,
      // One file per map activity, so the large batch has more activities than the timeline draws bars.
      settings: {
        AzureWebJobsStorage: connection,
        DataStorage: azuriteConnectionString(proxy.port, azurite.queuePort, azurite.tablePort),
        TASKHUB_NAME: 'dashboardtest',
        MAP_GROUP_MAX_FILES: '1',
      },
      blobEvents: [parseBlobEventRule('input:blob-created:/_manifest.json')],
      blobEventPollMs: 250,
      logger: pino({ level: 'warn' }),
    });
    // The same registration as `fanout-host start`, which serves the dashboard unless --no-dashboard is given.
    host.addHttpHandler(
      createHostDashboard({
        dataDir: host.dataDir,
        durableTask: host.hostJson.durableTask,
        settings: host.settings,
        logger: host.logger,
      }),
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await proxy?.close();
    await azurite?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a strict content security policy', async () => {
    const response = await fetch(`${host.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).not.toMatch(/https?:\/\//);
  });

  it('rejects writes, unknown batches and bad paths', async () => {
    const write = await fetch(`${host.url}/dashboard/api/batches`, { method: 'POST' });
    expect(write.status).toBe(405);
    const unknown = await fetch(`${host.url}/dashboard/api/batches/batch-missing`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain('batch-missing');
    const badEncoding = await fetch(`${host.url}/dashboard/api/batches/%E0%A4%A`);
    expect(badEncoding.status).toBe(400);
    const missingAsset = await fetch(`${host.url}/dashboard/assets/missing.js`);
    expect(missingAsset.status).toBe(404);
  });

  it('follows a batch of 12 files to 100%', async () => {
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${host.url}/`);
    await page.waitForSelector('#no-batches:not([hidden])');

    const input = inputContainer(openStorage({ connectionString: azurite.connectionString }));
    const files = [...GOOD_FILES.map((name, index) => [name, salesCsv(index)]), [BAD_FILE, 'region,price\nwest,1\n']];
    for (const [name, text] of files) {
      await input.getBlockBlobClient(`${BATCH_ID}/${name}`).upload(text, Buffer.byteLength(text));
    }
    const manifest = JSON.stringify(MANIFEST);
    await input.getBlockBlobClient(`${BATCH_ID}/_manifest.json`).upload(manifest, manifest.length);

    const row = `#batches tr.batch[data-instance-id="${INSTANCE_ID}"]`;
    // The host's queue listener backs off to host.json's maxPollingInterval (60 s by default) while idle.
    await page.waitForSelector(row, { timeout: 90000 });
    await page.waitForSelector(`${row}[data-status="Completed"]`, { timeout: 90000 });
    expect(await page.textContent(`${row} .progress-text`)).toBe('100%');
    expect(pageErrors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(`${host.url}/`))).toEqual([]);
  }, 200000);

  it('serves the batch as JSON', async () => {
    const response = await fetch(`${host.url}/dashboard/api/batches/${INSTANCE_ID}`);
    expect(response.status).toBe(200);
    const detail = (await response.json()) as {
      batch: { progress: { percent: number; done: number; failed: number; total: number } };
      throughput: { files: number; rows: number };
      failureCount: number;
    };

    expect(detail.batch.progress).toMatchObject({ percent: 100, total: 12, done: 12, failed: 1 });
    expect(detail.throughput.files).toBe(12);
    expect(detail.throughput.rows).toBe(11 * 50);
    expect(detail.failureCount).toBe(1);
  });

  it('draws one timeline bar per file', async () => {
    await page.waitForSelector('#connection[data-state="idle"]');
    const bars = await page.$$eval(`#timeline g.bar[data-function="${MAP_ACTIVITY}"]`, (elements) =>
      elements.map((element) => ({
        count: element.getAttribute('data-count'),
        status: element.getAttribute('data-status'),
        title: element.querySelector('title')?.textContent ?? '',
      })),
    );

    expect(bars).toHaveLength(12);
    expect(bars.every((bar) => bar.count === '1')).toBe(true);
    for (const name of GOOD_FILES) {
      expect(bars.filter((bar) => bar.title.startsWith(`${name}\n`) && bar.status === 'completed')).toHaveLength(1);
    }
    expect(bars.filter((bar) => bar.status === 'failed').map((bar) => bar.title.split('\n')[0])).toEqual([BAD_FILE]);
  });

  it('lists the batch once, with its sub-orchestrations', async () => {
    const list = (await (await fetch(`${host.url}/dashboard/api/batches`)).json()) as {
      batchCount: number;
      batches: { instanceId: string; children: unknown[] }[];
    };

    expect(list.batchCount).toBe(1);
    expect(list.batches.map((batch) => batch.instanceId)).toEqual([INSTANCE_ID]);
    expect(list.batches[0].children).toHaveLength(3);
  });

  it('groups the chunk sub-orchestrations under their batch', async () => {
    const children = await page.$$eval('#batches tr.child', (rows) =>
      rows.map((row) => row.getAttribute('data-instance-id')),
    );
    expect(children).toEqual([`${INSTANCE_ID}:chunk-0`, `${INSTANCE_ID}:chunk-1`, `${INSTANCE_ID}:chunk-2`]);
  });

  it('shows the failed file name as text', async () => {
    const failures = await page.$$eval('#failures tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
    );

    expect(failures).toHaveLength(1);
    expect(failures[0][0]).toBe(BAD_FILE);
    expect(failures[0][1]).toBe(MAP_ACTIVITY);
    expect(failures[0][2]).toMatch(/^missing-column: /);
    expect(await page.$$('main b, main img')).toHaveLength(0);
  });

  it('links the result summary', async () => {
    const href = await page.getAttribute('#result-link', 'href');
    expect(href).toBe(`/dashboard/api/batches/${INSTANCE_ID}/result`);

    const response = await fetch(`${host.url}${href}`);
    expect(response.status).toBe(200);
    const summary = (await response.json()) as { batchId: string; failedBlobs: unknown[] };
    expect(summary.batchId).toBe(BATCH_ID);
    expect(await page.textContent('#result-link')).toBe(`results/${BATCH_ID}/summary.json`);
  });

  it('stops polling the finished batch', async () => {
    const detailRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/dashboard/api/batches/${INSTANCE_ID}`)) detailRequests.push(request.url());
    });
    await page.waitForTimeout(4000);
    expect(detailRequests).toEqual([]);
  });

  it('saves a screenshot', async () => {
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10000);
  });

  it('shows why a batch failed before mapping', async () => {
    const input = inputContainer(openStorage({ connectionString: azurite.connectionString }));
    const manifest = JSON.stringify({ groupBy: 'region' });
    await input.getBlockBlobClient(`${INVALID_BATCH_ID}/_manifest.json`).upload(manifest, manifest.length);

    await page.goto(`${host.url}/#batch-${INVALID_BATCH_ID}`);
    await page.waitForSelector(
      `#batches tr.batch[data-instance-id="batch-${INVALID_BATCH_ID}"][data-status="Completed"]`,
      {
        timeout: 90000,
      },
    );
    await page.waitForSelector(`#detail-title:text-is("Batch ${INVALID_BATCH_ID}")`);
    await page.waitForSelector('#failures tbody tr');
    const facts = await page.$$eval('#facts dt, #facts dd', (cells) => cells.map((cell) => cell.textContent));
    const failure = await page.$$eval('#failures tbody tr td', (cells) => cells.map((cell) => cell.textContent));

    expect(facts[facts.indexOf('Outcome') + 1]).toBe('failed');
    expect(failure[0]).toBe(`batch-${INVALID_BATCH_ID}`);
    expect(failure[2]).toMatch(/^invalid-manifest: /);
  });

  it('tracks and aggregates a large batch', async () => {
    const input = inputContainer(openStorage({ connectionString: azurite.connectionString }));
    const names = Array.from({ length: LARGE_BATCH_FILES }, (_, index) => `part-${index}.csv`);
    for (let start = 0; start < names.length; start += 50) {
      await Promise.all(
        names.slice(start, start + 50).map((name, offset) => {
          const text = salesCsv(start + offset);
          return input.getBlockBlobClient(`${LARGE_BATCH_ID}/${name}`).upload(text, text.length);
        }),
      );
    }
    const manifest = JSON.stringify({ ...MANIFEST, chunkSize: 250 });
    await input.getBlockBlobClient(`${LARGE_BATCH_ID}/_manifest.json`).upload(manifest, manifest.length);

    const percents: number[] = [];
    page.on('response', async (response) => {
      if (!response.url().endsWith('/dashboard/api/batches')) return;
      const list = (await response.json()) as {
        batches: { instanceId: string; progress: { percent: number | null } }[];
      };
      const batch = list.batches.find((candidate) => candidate.instanceId === `batch-${LARGE_BATCH_ID}`);
      if (batch && batch.progress.percent !== null) percents.push(batch.progress.percent);
    });
    await page.goto(`${host.url}/#batch-${LARGE_BATCH_ID}`);
    await proxy.reached;
    const row = `#batches tr.batch[data-instance-id="batch-${LARGE_BATCH_ID}"]`;
    // The delayed file keeps the batch running until the page has polled it partly done, or for 60 s at most.
    const deadline = Date.now() + 60000;
    while (!percents.some((percent) => percent > 0 && percent < 100) && Date.now() < deadline) {
      await page.waitForTimeout(250);
    }
    proxy.release();
    await page.waitForSelector(`${row}[data-status="Completed"]`, { timeout: 200000 });
    await page.waitForSelector('#connection[data-state="idle"]');
    await page.waitForSelector(`#detail-title:text-is("Batch ${LARGE_BATCH_ID}")`);
    const counts = await page.$$eval('#timeline g.bar', (bars) =>
      bars.map((bar) => Number(bar.getAttribute('data-count'))),
    );

    // Every map activity, one list, three chunk reduces, one batch reduce and one result write.
    const activities = LARGE_BATCH_FILES + 6;
    expect(counts.length).toBe(Math.ceil(activities / Math.ceil(activities / 600)));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(activities);
    expect(await page.textContent('#timeline-caption')).toContain(`${activities} activities in ${counts.length} rows`);
    await page.screenshot({ path: LARGE_SCREENSHOT, fullPage: true });

    expect(percents.some((percent) => percent > 0 && percent < 100)).toBe(true);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[percents.length - 1]).toBe(100);
  }, 300000);
});
