import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { flightsParquetPath } from '../../scripts/src/flights-source';
import { builtScript, REPO_ROOT, runScript } from './run-script';

interface ExportResult {
  dir: string;
  cached: boolean;
  files: { name: string; path: string; rows: number; bytes: number }[];
}

/** Runs the compiled export in a child process, because jest cannot load the ESM-only hyparquet. */
async function exportDays(cacheDir: string, days: number): Promise<ExportResult> {
  const module = builtScript('flights');
  const code = `require(${JSON.stringify(module)}).exportFlightsByDay({ cacheDir: ${JSON.stringify(cacheDir)}, days: ${days} })
    .then((result) => process.stdout.write(JSON.stringify(result)))`;
  const run = await runScript('-e', [code]);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as ExportResult;
}

describe('exportFlightsByDay', () => {
  let cacheDir: string;
  let first: ExportResult;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-flights-'));
    first = await exportDays(cacheDir, 2);
  });

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('writes one CSV file per day', async () => {
    expect(first.cached).toBe(false);
    expect(first.files.map((file) => file.name)).toEqual(['2001-01-01.csv', '2001-01-02.csv']);
    expect((await readdir(first.dir)).sort()).toEqual(['2001-01-01.csv', '2001-01-02.csv']);
  });

  it('keeps every row of those days', async () => {
    const oracle = await runScript(path.join(REPO_ROOT, 'test', 'e2e', 'flight-rows.mjs'), [flightsParquetPath(), '2']);
    const expectedRows = oracle.stdout.trim().split('\n').length;
    const lines = await Promise.all(
      first.files.map(async (file) => (await readFile(file.path, 'utf8')).trim().split('\n')),
    );
    expect(first.files.reduce((sum, file) => sum + file.rows, 0)).toBe(expectedRows);
    expect(lines.reduce((sum, fileLines) => sum + fileLines.length - 1, 0)).toBe(expectedRows);
  });

  it('writes a header and the day of each row', async () => {
    const [header, row] = (await readFile(first.files[0].path, 'utf8')).split('\n');
    expect(header).toBe('date,delay,distance,origin,destination');
    expect(row).toMatch(/^2001-01-01 \d\d:\d\d,-?\d+,\d+,[A-Z]{3},[A-Z]{3}$/);
  });

  it('records the file sizes', async () => {
    for (const file of first.files) {
      expect((await readFile(file.path)).length).toBe(file.bytes);
    }
  });

  it('reuses the cache on a second call', async () => {
    const second = await exportDays(cacheDir, 2);
    expect(second.cached).toBe(true);
    expect(second.files).toEqual(first.files);
  });

  it('exports again when a cached file is missing', async () => {
    await rm(first.files[1].path);
    const again = await exportDays(cacheDir, 2);
    expect(again.cached).toBe(false);
    expect(again.files).toEqual(first.files);
  });
});
