import { BlobServiceClient } from '@azure/storage-blob';

/** One generated input row: `region` is the group column, `amount` and `qty` the metrics. */
export interface Row {
  region: string;
  amount: number;
  qty: number;
}

export interface DataFile {
  name: string;
  content: string;
  rows: Row[];
}

const REGIONS = ['eu', 'us', 'apac'];

/** Deterministic rows; amounts are multiples of 0.25, so every sum is exact in binary floating point. */
export function makeRows(seed: number, count: number): Row[] {
  return Array.from({ length: count }, (_, index) => {
    const n = seed * 1000 + index;
    return { region: REGIONS[n % REGIONS.length], amount: ((n * 37) % 400) / 4 + 0.25, qty: (n % 9) + 1 };
  });
}

export function csvFile(name: string, rows: Row[]): DataFile {
  const lines = ['region,amount,qty', ...rows.map((row) => `${row.region},${row.amount},${row.qty}`)];
  return { name, content: `${lines.join('\n')}\n`, rows };
}

export function ndjsonFile(name: string, rows: Row[]): DataFile {
  return { name, content: rows.map((row) => `${JSON.stringify(row)}\n`).join(''), rows };
}

export const SALES_MANIFEST = { groupBy: ['region'], metrics: ['amount', 'qty'] };

export interface ExpectedMetric {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  sorted: number[];
}

export interface ExpectedGroup {
  key: { region: string };
  count: number;
  metrics: { amount: ExpectedMetric; qty: ExpectedMetric };
}

/** Computes the exact per-region aggregates of the rows, sorted by region like the summary's groups. */
export function expectedGroups(rows: Row[]): ExpectedGroup[] {
  const regions = [...new Set(rows.map((row) => row.region))].sort();
  return regions.map((region) => {
    const inGroup = rows.filter((row) => row.region === region);
    return {
      key: { region },
      count: inGroup.length,
      metrics: {
        amount: metric(inGroup.map((row) => row.amount)),
        qty: metric(inGroup.map((row) => row.qty)),
      },
    };
  });
}

function metric(values: number[]): ExpectedMetric {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((total, value) => total + value, 0);
  return {
    count: values.length,
    sum,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sum / values.length,
    sorted,
  };
}

/** Lower and upper bounds a DDSketch quantile with 1% relative accuracy may take over positive values. */
export function quantileBounds(sorted: number[], quantile: number): [number, number] {
  const rank = quantile * (sorted.length - 1);
  return [sorted[Math.floor(rank)] * 0.99, sorted[Math.ceil(rank)] * 1.01];
}

interface SummaryGroup {
  key: Record<string, string>;
  count: number;
  metrics: Record<string, Record<string, number | null>>;
}

/** Asserts that summary groups equal the expected aggregates: exact counts, sums, extremes, means; sketch quantiles. */
export function expectGroups(actual: SummaryGroup[], expected: ExpectedGroup[]): void {
  expect(actual.map((group) => group.key)).toEqual(expected.map((group) => group.key));
  for (const [index, group] of expected.entries()) {
    expect(actual[index].count).toBe(group.count);
    for (const name of ['amount', 'qty'] as const) {
      const want = group.metrics[name];
      const got = actual[index].metrics[name];
      expect({ name, count: got.count, sum: got.sum, min: got.min, max: got.max }).toEqual({
        name,
        count: want.count,
        sum: want.sum,
        min: want.min,
        max: want.max,
      });
      expect(got.mean).toBeCloseTo(want.mean, 10);
      for (const [field, quantile] of [
        ['p50', 0.5],
        ['p95', 0.95],
        ['p99', 0.99],
      ] as const) {
        const [low, high] = quantileBounds(want.sorted, quantile);
        expect(got[field]).toBeGreaterThanOrEqual(low);
        expect(got[field]).toBeLessThanOrEqual(high);
      }
    }
  }
}

/**
 * Uploads the files under `input/<batchId>/`, then the manifest, as a user would. `inFlight` is the number of file
 * uploads running at once, so the default of 1 uploads the files one after another in order.
 */
export async function uploadBatch(
  service: BlobServiceClient,
  batchId: string,
  files: { name: string; content: string | Buffer }[],
  manifest: unknown,
  inFlight = 1,
): Promise<void> {
  const container = service.getContainerClient('input');
  await container.createIfNotExists();
  const queue = [...files];
  const upload = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      await container
        .getBlockBlobClient(`${batchId}/${file.name}`)
        .upload(file.content, Buffer.byteLength(file.content));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, upload));
  await uploadManifest(service, batchId, manifest);
}

export async function uploadManifest(service: BlobServiceClient, batchId: string, manifest: unknown): Promise<void> {
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
  await service
    .getContainerClient('input')
    .getBlockBlobClient(`${batchId}/_manifest.json`)
    .upload(text, Buffer.byteLength(text));
}

export async function readResult(service: BlobServiceClient, batchId: string, name: string): Promise<string> {
  return (
    await service.getContainerClient('results').getBlobClient(`${batchId}/${name}`).downloadToBuffer()
  ).toString();
}

export function byteTotal(files: { content: string | Buffer }[]): number {
  return files.reduce((total, file) => total + Buffer.byteLength(file.content), 0);
}
