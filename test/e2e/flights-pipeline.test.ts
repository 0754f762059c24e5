import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { flightsParquetPath } from '../../scripts/src/flights-source';
import { RunningStack, startStack, writeStackRecord } from '../../scripts/src/stack';
import { builtScript, expectOneLineError, freePort, REPO_ROOT, runScript } from '../scripts/run-script';
import { aggregateLines, ExactGroups, exactQuantile } from './exact-stats';

interface SummaryMetric {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  [quantile: string]: number;
}

interface Summary {
  batchId: string;
  status: string;
  input: { blobs: number; rows: number; rejectedRows: number };
  groups: { key: { origin: string }; count: number; metrics: Record<string, SummaryMetric> }[];
}

/** FULL=1 runs all 182 days (3 million rows) instead of the first 10 (about 164,000 rows). */
const FULL = process.env.FULL === '1';
const DAYS = FULL ? 182 : 10;
const RUN_TIMEOUT_MS = FULL ? 1_500_000 : 240_000;
const METRICS = ['delay', 'distance'];
const QUANTILES: [string, number][] = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
];

/** Returns the error lines of the host log, which the test folder's removal would otherwise lose. */
async function hostErrors(stack: RunningStack): Promise<string> {
  const log = await readFile(stack.hostLogFile!, 'utf8').catch(() => '');
  return log
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line))
    .slice(-5)
    .join('\n');
}

/** Returns the one folder of daily CSV files that the demo exported under its cache folder. */
async function exportedFolder(cacheDir: string): Promise<string> {
  const entries = await readdir(cacheDir, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory() && !entry.name.includes('.partial'));
  expect(folders).toHaveLength(1);
  return path.join(cacheDir, folders[0].name);
}

describe('flights pipeline end to end', () => {
  const cli = builtScript('cli');
  let dir: string;
  let stack: RunningStack;
  let demo: { code: number | null; stdout: string; stderr: string };
  let summary: Summary;
  let exact: ExactGroups;
  let cliArgs: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-e2e-'));
    const ports = { api: await freePort(), blob: 0, queue: 0, table: 0 };
    stack = await startStack({ dataDir: dir, ports, inMemory: true, hostLog: 'file' });
    // The demo uses a running stack only through its record, and takes the storage connection from there.
    const record = { apiUrl: stack.apiUrl, connectionString: stack.connectionString, pid: process.pid };
    await writeStackRecord(dir, { ...record, hostPid: stack.hostPid });
    cliArgs = ['--url', stack.apiUrl, '--connection-string', stack.connectionString];

    const summaryFile = path.join(dir, 'summary.json');
    const demoArgs = ['--days', String(DAYS), '--port', String(ports.api), '--data', dir, '--batch', 'e2e-flights'];
    const [demoRun, rows] = await Promise.all([
      runScript(builtScript('demo'), [...demoArgs, '--out', summaryFile], {
        timeoutMs: RUN_TIMEOUT_MS,
      }),
      runScript(path.join(REPO_ROOT, 'test', 'e2e', 'flight-rows.mjs'), [flightsParquetPath(), String(DAYS)]),
    ]);
    demo = demoRun;
    if (demo.code !== 0) throw new Error(`demo failed: ${demo.stderr}\nhost errors:\n${await hostErrors(stack)}`);
    if (rows.code !== 0) throw new Error(`reading the Parquet rows failed: ${rows.stderr}`);
    summary = JSON.parse(await readFile(summaryFile, 'utf8')) as Summary;
    exact = aggregateLines(rows.stdout, METRICS);
  }, RUN_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('demo completes the batch', () => {
    expect(summary.batchId).toBe('e2e-flights');
    expect(summary.status).toBe('completed');
    expect(demo.stdout).toMatch(/Top 15 origins by mean departure delay/);
    expect(demo.stdout).toMatch(/Wall time: [\d.]+ s/);
  });

  it('summary counts every source row', () => {
    const rows = [...exact.values()].reduce((sum, group) => sum + group.count, 0);
    expect(summary.input.blobs).toBe(DAYS);
    expect(summary.input.rows).toBe(rows);
    expect(summary.input.rejectedRows).toBe(0);
  });

  it('summary has exactly the source origins', () => {
    const origins = summary.groups.map((group) => group.key.origin).sort();
    expect(origins).toEqual([...exact.keys()].sort());
  });

  it('count, sum, min and max are exact per origin', () => {
    for (const group of summary.groups) {
      const expected = exact.get(group.key.origin)!;
      expect({ origin: group.key.origin, count: group.count }).toEqual({
        origin: group.key.origin,
        count: expected.count,
      });
      for (const name of METRICS) {
        const { count, sum, min, max } = group.metrics[name];
        const want = expected.metrics[name];
        expect({ origin: group.key.origin, name, count, sum, min, max }).toEqual({
          origin: group.key.origin,
          name,
          count: want.count,
          sum: want.sum,
          min: want.min,
          max: want.max,
        });
      }
    }
  });

  it('quantiles are within 1% of the exact quantiles', () => {
    const misses: string[] = [];
    for (const group of summary.groups) {
      for (const name of METRICS) {
        const sorted = exact.get(group.key.origin)!.metrics[name].sorted;
        for (const [field, quantile] of QUANTILES) {
          const want = exactQuantile(sorted, quantile);
          const got = group.metrics[name][field];
          if (Math.abs(got - want) > 0.01 * Math.abs(want) + 1e-9) {
            misses.push(`${group.key.origin} ${name} ${field}: got ${got}, exact ${want}`);
          }
        }
      }
    }
    expect(misses).toEqual([]);
  });

  it('status reports the completed batch', async () => {
    const run = await runScript(cli, ['status', 'e2e-flights', ...cliArgs]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ batchId: 'e2e-flights', runtimeStatus: 'Completed' });
  });

  it(
    'second upload of the same files gives identical groups',
    async () => {
      const upload = await runScript(cli, [
        'upload',
        await exportedFolder(path.join(dir, 'flights')),
        '--batch',
        'e2e-flights-again',
        '--group-by',
        'origin',
        '--metrics',
        METRICS.join(','),
        ...cliArgs,
      ]);
      expect(upload.stderr).toBe('waiting for batch e2e-flights-again to start a run on the uploaded manifest...\n');
      expect(upload.code).toBe(0);

      const wait = await runScript(cli, ['wait', 'e2e-flights-again', ...cliArgs], { timeoutMs: RUN_TIMEOUT_MS });
      expect(wait.stdout).toMatch(/e2e-flights-again ended as Completed \(batch completed\)/);
      expect(wait.code).toBe(0);

      const result = await runScript(cli, ['result', 'e2e-flights-again', ...cliArgs]);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as Summary).groups).toEqual(summary.groups);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'start reruns an uploaded batch',
    async () => {
      const start = await runScript(cli, ['start', 'e2e-flights-again', '--json', ...cliArgs]);
      expect(start.code).toBe(0);
      const payload = JSON.parse(start.stdout) as { id: string; statusQueryGetUri: string };
      expect(payload.id).toBe('batch-e2e-flights-again');
      expect(payload.statusQueryGetUri).toContain('/runtime/webhooks/durabletask/instances/batch-e2e-flights-again');

      const wait = await runScript(cli, ['wait', 'e2e-flights-again', ...cliArgs], { timeoutMs: RUN_TIMEOUT_MS });
      expect(wait.stdout).toMatch(/ended as Completed \(batch completed\)/);
      expect(wait.code).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  it('raise-event on an ended batch fails in one line', async () => {
    const run = await runScript(cli, ['raise-event', 'e2e-flights', 'approval', '{"approved":true}', ...cliArgs]);
    expectOneLineError(run, /batch 'e2e-flights' already ended as Completed/);
  });

  it('terminate of an ended batch fails in one line', async () => {
    const run = await runScript(cli, ['terminate', 'e2e-flights', ...cliArgs]);
    expectOneLineError(run, /HTTP 409: .*not running/);
  });

  it('purge removes the batch history', async () => {
    const purge = await runScript(cli, ['purge', 'e2e-flights-again', ...cliArgs]);
    expect(purge.stdout).toMatch(/purged the history of batch e2e-flights-again/);
    expect(purge.code).toBe(0);

    const status = await runScript(cli, ['status', 'e2e-flights-again', ...cliArgs]);
    expectOneLineError(status, /batch 'e2e-flights-again' has no run .*its history was purged/);
  });

  it('status of an unknown batch fails in one line', async () => {
    const run = await runScript(cli, ['status', 'no-such-batch', ...cliArgs]);
    expectOneLineError(run, /batch 'no-such-batch' has no run/);
  });

  it('result of an unknown batch fails in one line', async () => {
    const run = await runScript(cli, ['result', 'no-such-batch', ...cliArgs]);
    expectOneLineError(run, /no result for batch 'no-such-batch'/);
  });

  it('redrive without failed files fails in one line', async () => {
    const run = await runScript(cli, ['redrive', 'e2e-flights', ...cliArgs]);
    expectOneLineError(run, /HTTP 409: .*no failed files/);
  });
});
