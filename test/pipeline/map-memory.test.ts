import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { seededRandom } from './helpers';

const run = promisify(execFile);

const TARGET_BYTES = 100 * 1024 * 1024;
const RSS_LIMIT_BYTES = 150 * 1024 * 1024;
const RUNNER = join(__dirname, '../fixtures/pipeline/map-file.mjs');
const COMPILED = join(__dirname, '../../functions/dist/pipeline/index.js');

const CARRIERS = ['AA', 'UA', 'DL', 'WN', 'B6', 'AS', 'NK', 'F9', 'HA', 'G4'];
const ORIGINS = Array.from({ length: 20 }, (_, i) => `A${String(i).padStart(2, '0')}`);

/** Writes a CSV of at least `bytes` bytes in 1 MB slices and returns its row count. */
function writeCsv(path: string, bytes: number): number {
  const random = seededRandom(42);
  const fd = openSync(path, 'w');
  let written = writeSync(fd, 'carrier,origin,delay,distance,time\n');
  let rows = 0;
  try {
    while (written < bytes) {
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i += 1) {
        const carrier = CARRIERS[Math.floor(random() * CARRIERS.length)];
        const origin = ORIGINS[Math.floor(random() * ORIGINS.length)];
        const delay = Math.round((random() - 0.3) * 400);
        const distance = Math.floor(100 + random() * 4000);
        const time = (random() * 24).toFixed(4);
        lines.push(`${carrier},${origin},${delay},${distance},${time}\n`);
      }
      written += writeSync(fd, lines.join(''));
      rows += lines.length;
    }
  } finally {
    closeSync(fd);
  }
  return rows;
}

describe('mapStream memory', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'pipeline-memory-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('100 MB CSV maps in under 150 MB of RSS', async () => {
    expect(existsSync(COMPILED)).toBe(true); // built by `npm run build -w functions`

    const file = join(directory, 'flights.csv');
    const rows = writeCsv(file, TARGET_BYTES);
    expect(statSync(file).size).toBeGreaterThanOrEqual(TARGET_BYTES);

    // V8 grows its heap lazily while memory is free, so on a loaded machine the peak RSS follows GC timing more than
    // what the code keeps. A 64 MB old space makes the run measure the live data: a leak fails with out-of-memory.
    const args = ['--max-old-space-size=64', RUNNER, file, 'csv', 'carrier,origin', 'delay,distance,time'];
    const { stdout } = await run(process.execPath, args, {
      maxBuffer: 1024 * 1024,
    });
    const report = JSON.parse(stdout) as { ok: boolean; rows: number; groups: number; maxRssBytes: number };

    expect(report.ok).toBe(true);
    expect(report.rows).toBe(rows);
    expect(report.groups).toBe(CARRIERS.length * ORIGINS.length);
    expect(report.maxRssBytes).toBeLessThan(RSS_LIMIT_BYTES);
  }, 600_000);
});
