import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BatchSummary, mapStream, parseManifest, summarize, summaryJson } from '../../functions/src/pipeline';
import { requireCommands } from './support/commands';

const SMOKE_DIR = join(__dirname, '..', '..', 'scripts', 'smoke');

/** Runs the pipeline's own map and summarize steps on the smoke batch, as the deployed app does. */
async function summarizeSmokeBatch(): Promise<BatchSummary> {
  const manifest = parseManifest(readFileSync(join(SMOKE_DIR, 'batch', '_manifest.json'), 'utf8'));
  const csv = readFileSync(join(SMOKE_DIR, 'batch', 'data.csv'));
  const result = await mapStream(Readable.from([csv]), {
    fileName: 'data.csv',
    format: manifest.format ?? 'csv',
    groupBy: manifest.groupBy,
    metrics: manifest.metrics,
  });
  if (!result.ok) throw new Error(`the smoke batch did not map: ${result.error.message}`);

  const { groups, input } = summarize(result.partial, manifest);
  return {
    batchId: 'smoke-1',
    instanceId: 'batch-smoke-1',
    status: 'completed',
    input,
    failedBlobs: 0,
    groups,
    timing: {},
  };
}

beforeAll(() => requireCommands(['bash', 'jq']));

describe('smoke summary check', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'smoke-summary-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function check(summary: BatchSummary) {
    const file = join(folder, 'summary.json');
    writeFileSync(file, summaryJson(summary));
    return spawnSync('bash', [join(SMOKE_DIR, 'smoke.sh'), 'check', file], { encoding: 'utf8' });
  }

  it('accepts the pipeline summary', async () => {
    const result = check(await summarizeSmokeBatch());

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('rejects a failed batch', async () => {
    const result = check({ ...(await summarizeSmokeBatch()), status: 'failed' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("status 'failed'");
  });

  it('rejects a missing row', async () => {
    const summary = await summarizeSmokeBatch();

    const result = check({ ...summary, input: { ...summary.input, rows: 3 } });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('counts 3 rows, expected 4');
  });

  it('rejects a wrong sum', async () => {
    const summary = await summarizeSmokeBatch();
    const groups = summary.groups.map((group) => ({
      ...group,
      metrics: { amount: { ...group.metrics.amount, sum: group.metrics.amount.sum + 1 } },
    }));

    const result = check({ ...summary, groups });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("north to '31', expected 30");
  });
});
