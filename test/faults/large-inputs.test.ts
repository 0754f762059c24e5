/**
 * Large inputs on the host process: one bad row among many is counted and sampled without failing the file, and a
 * large file is streamed with the host's memory bounded. `FULL=1` uses 1,000,000 rows and a 1 GB file; `npm test`
 * uses 100,000 rows and a 100 MB file.
 */
import { Readable } from 'node:stream';
import { readJsonBlob, waitForBatchEnd } from './support/batch-api';
import { FaultStack, startFaultStack } from './support/fault-stack';
import { FULL } from './support/sales-batch';

const ROWS_WITH_ONE_BAD = FULL ? 1_000_000 : 100_000;
const LARGE_FILE_BYTES = FULL ? 1024 ** 3 : 100 * 1024 ** 2;
const MAX_HOST_RSS_BYTES = 300 * 1024 ** 2;
const REGIONS = ['eu', 'us', 'apac'];
const PADDING = 'p'.repeat(80);

interface GeneratedCsv {
  stream: Readable;
  /** Filled in while the stream is read: rows per region and the sum of their integer amounts. */
  totals: Map<string, { count: number; sum: number }>;
  rows: () => number;
}

/**
 * Generates `region,amount,note` rows until `bytes` is reached. Amounts are integers, so every sum is exact; the
 * row at `badRow` (0-based) has a non-numeric amount.
 */
function generateCsv(limit: { bytes?: number; rows?: number }, badRow?: number): GeneratedCsv {
  const totals = new Map(REGIONS.map((region) => [region, { count: 0, sum: 0 }]));
  let rows = 0;
  let bytes = 0;
  function* chunks(): Generator<string> {
    yield 'region,amount,note\n';
    while ((limit.rows === undefined || rows < limit.rows) && (limit.bytes === undefined || bytes < limit.bytes)) {
      const lines: string[] = [];
      for (let i = 0; i < 10000 && (limit.rows === undefined || rows < limit.rows); i += 1, rows += 1) {
        const region = REGIONS[rows % REGIONS.length];
        if (rows === badRow) {
          lines.push(`${region},not-a-number,${PADDING}`);
          continue;
        }
        const amount = rows % 1000;
        const total = totals.get(region)!;
        total.count += 1;
        total.sum += amount;
        lines.push(`${region},${amount},${PADDING}`);
      }
      const text = `${lines.join('\n')}\n`;
      bytes += text.length;
      yield text;
    }
  }
  return { stream: Readable.from(chunks()), totals, rows: () => rows };
}

interface SummaryGroup {
  key: { region: string };
  count: number;
  metrics: { amount: { count: number; sum: number } };
}

function groupTotals(groups: SummaryGroup[]): Record<string, { count: number; sum: number }> {
  return Object.fromEntries(
    groups.map((group) => [group.key.region, { count: group.count, sum: group.metrics.amount.sum }]),
  );
}

describe('large inputs', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack('large', { persistentAzurite: FULL });
    await stack.blobs.getContainerClient('input').createIfNotExists();
  });

  afterAll(() => stack?.stop());

  const upload = async (batchId: string, name: string, csv: GeneratedCsv) => {
    const container = stack.blobs.getContainerClient('input');
    await container.getBlockBlobClient(`${batchId}/${name}`).uploadStream(csv.stream, 4 * 1024 ** 2, 4);
    const manifest = JSON.stringify({ groupBy: ['region'], metrics: ['amount'] });
    await container.getBlockBlobClient(`${batchId}/_manifest.json`).upload(manifest, manifest.length);
  };

  it(`one bad row in ${ROWS_WITH_ONE_BAD} is counted and sampled`, async () => {
    const badRow = Math.floor(ROWS_WITH_ONE_BAD / 2);
    const csv = generateCsv({ rows: ROWS_WITH_ONE_BAD }, badRow);
    await upload('one-bad-row', 'rows.csv', csv);

    const view = await waitForBatchEnd(() => stack.host.url, 'one-bad-row', { timeoutMs: 300000 });
    const summary = (await readJsonBlob(stack.blobs, 'results', 'one-bad-row/summary.json')) as {
      input: { rows: number; rejectedRows: number; rejectedSamples: { blob?: string; line: number; reason: string }[] };
      groups: SummaryGroup[];
      failedBlobs: number;
    };

    expect(view).toMatchObject({ runtimeStatus: 'Completed', status: 'completed' });
    expect(summary.failedBlobs).toBe(0);
    expect(summary.input.rows).toBe(ROWS_WITH_ONE_BAD);
    expect(summary.input.rejectedRows).toBe(1);
    expect(summary.input.rejectedSamples).toHaveLength(1);
    expect(summary.input.rejectedSamples[0].line).toBe(badRow + 2);
    expect(summary.input.rejectedSamples[0].reason).toContain('not-a-number');
    expect(groupTotals(summary.groups)).toEqual(Object.fromEntries(csv.totals));
  }, 600000);

  it(`${LARGE_FILE_BYTES / 1024 ** 2} MB file keeps the host under 300 MB`, async () => {
    const csv = generateCsv({ bytes: LARGE_FILE_BYTES });
    await upload('large-file', 'large.csv', csv);
    const rssBefore = stack.host.peakRssBytes();

    const view = await waitForBatchEnd(() => stack.host.url, 'large-file', { timeoutMs: 1800000 });
    const summary = (await readJsonBlob(stack.blobs, 'results', 'large-file/summary.json')) as {
      input: { bytes: number; rows: number };
      groups: SummaryGroup[];
    };
    const peak = stack.host.peakRssBytes();
    process.stdout.write(
      `${summary.input.bytes} bytes, ${summary.input.rows} rows: host RSS peaked at ${Math.round(peak / 1024 ** 2)} MB ` +
        `(${Math.round(rssBefore / 1024 ** 2)} MB before the batch)\n`,
    );

    expect(view).toMatchObject({ runtimeStatus: 'Completed', status: 'completed' });
    expect(summary.input.bytes).toBeGreaterThanOrEqual(LARGE_FILE_BYTES);
    expect(summary.input.rows).toBe(csv.rows());
    expect(groupTotals(summary.groups)).toEqual(Object.fromEntries(csv.totals));
    expect(peak).toBeLessThan(MAX_HOST_RSS_BYTES);
  }, 1800000);
});
