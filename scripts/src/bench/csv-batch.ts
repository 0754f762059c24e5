import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestDocument } from '../manifest';
import type { LocalFile } from '../upload';

/** Manifest of the synthetic batches: 20 groups, two metrics, the default quantiles. */
export const SMALL_CSV_MANIFEST: ManifestDocument = {
  format: 'csv',
  groupBy: ['sensor'],
  metrics: ['reading', 'weight'],
};

const GROUPS = 20;

/** Deterministic CSV text of one small file: `rows` rows over 20 sensors, the values spread by a fixed LCG. */
export function smallCsv(fileIndex: number, rows: number): string {
  const lines = ['sensor,reading,weight'];
  let state = (fileIndex * 2654435761) >>> 0;
  for (let row = 0; row < rows; row++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const reading = (state % 100_000) / 100;
    lines.push(`s${(fileIndex + row) % GROUPS},${reading},${(state >>> 20) % 50}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `count` small CSV files into `dir` (named `part-00000.csv`, ...) unless the folder already has them,
 * and returns them in name order for `uploadBatch`.
 */
export async function writeSmallCsvFiles(dir: string, count: number, rows: number): Promise<LocalFile[]> {
  await mkdir(dir, { recursive: true });
  const existing = new Set(await readdir(dir));
  const files: LocalFile[] = [];
  for (let index = 0; index < count; index++) {
    const name = `part-${String(index).padStart(5, '0')}.csv`;
    const text = smallCsv(index, rows);
    const file = path.join(dir, name);
    if (!existing.has(name)) await writeFile(file, text);
    files.push({ name, path: file, bytes: Buffer.byteLength(text) });
  }
  return files;
}
