import { createHash } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { flightsParquetPath } from './flights-source';

/** Bumped whenever the CSV layout changes, so caches written by an older layout are not reused. */
const CSV_LAYOUT_VERSION = 1;
const CSV_HEADER = 'date,delay,distance,origin,destination\n';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface FlightDayFile {
  /** Blob name relative to the batch, for example `2001-01-01.csv`. */
  name: string;
  path: string;
  rows: number;
  bytes: number;
}

export interface FlightFiles {
  dir: string;
  files: FlightDayFile[];
  /** True when the files came from an earlier run's cache. */
  cached: boolean;
}

export interface FlightExportOptions {
  /** Parquet source; defaults to `flights-3m.parquet` from the vega-datasets package. */
  source?: string;
  /** Folder that contains one sub-folder per content hash. */
  cacheDir: string;
  /** Number of calendar days from the first flight; undefined takes every day. */
  days?: number;
}

interface FlightRow {
  date: Date;
  delay: bigint | null;
  distance: bigint | null;
  origin: string | null;
  destination: string | null;
}

/**
 * Writes one CSV file per calendar day of the flights sample, reading the Parquet file one row
 * group at a time so memory stays bounded by a row group. The output folder is named after a hash
 * of the source bytes and the options, so a second call with the same input reuses it. The folder
 * holds only the CSV files, so it can be uploaded as a batch as it is.
 */
export async function exportFlightsByDay(options: FlightExportOptions): Promise<FlightFiles> {
  const source = options.source ?? flightsParquetPath();
  const bytes = await readFile(source);
  const key = createHash('sha256')
    .update(bytes)
    .update(`layout=${CSV_LAYOUT_VERSION};days=${options.days ?? 'all'}`)
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(options.cacheDir, key);

  const indexFile = `${dir}.json`;
  const cached = await readIndex(indexFile, dir);
  if (cached) return { dir, files: cached, cached: true };

  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const files = await writeDays(toArrayBuffer(bytes), partial, options.days);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  await writeFile(indexFile, JSON.stringify(files.map(({ name, rows, bytes }) => ({ name, rows, bytes }))));
  return { dir, files: files.map((file) => ({ ...file, path: path.join(dir, file.name) })), cached: false };
}

/**
 * Reads a finished export. The index is written after the folder is complete, so its presence marks a
 * finished export. A file that is missing or has changed size since then returns undefined.
 */
async function readIndex(indexFile: string, dir: string): Promise<FlightDayFile[] | undefined> {
  let index: Omit<FlightDayFile, 'path'>[];
  try {
    index = JSON.parse(await readFile(indexFile, 'utf8')) as Omit<FlightDayFile, 'path'>[];
  } catch {
    return undefined;
  }
  const files = index.map((file) => ({ ...file, path: path.join(dir, file.name) }));
  for (const file of files) {
    const info = await stat(file.path).catch(() => undefined);
    if (info?.size !== file.bytes) return undefined;
  }
  return files;
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function writeDays(file: ArrayBuffer, dir: string, days: number | undefined): Promise<FlightDayFile[]> {
  const metadata = parquetMetadata(file);
  const writers = new Map<string, { stream: WriteStream; file: FlightDayFile }>();
  let rowStart = 0;
  let cutoff: number | undefined;

  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const stats = group.columns[0]?.meta_data?.statistics;
    const groupMin = stats?.min_value instanceof Date ? stats.min_value.getTime() : undefined;
    if (cutoff === undefined && days !== undefined && groupMin !== undefined)
      cutoff = startOfDay(groupMin) + days * DAY_MS;
    if (cutoff !== undefined && groupMin !== undefined && groupMin >= cutoff) break;

    const rows = (await parquetReadObjects({ file, compressors, rowStart, rowEnd })) as unknown as FlightRow[];
    await appendRows(rows, dir, writers, cutoff);
    rowStart = rowEnd;
  }

  for (const { stream } of writers.values()) {
    stream.end();
    await once(stream, 'finish');
  }
  return [...writers.values()].map(({ file }) => file).sort((a, b) => a.name.localeCompare(b.name));
}

async function appendRows(
  rows: FlightRow[],
  dir: string,
  writers: Map<string, { stream: WriteStream; file: FlightDayFile }>,
  cutoff: number | undefined,
): Promise<void> {
  const lines = new Map<string, string[]>();
  for (const row of rows) {
    const time = row.date.getTime();
    if (cutoff !== undefined && time >= cutoff) continue;
    const day = row.date.toISOString().slice(0, 10);
    let dayLines = lines.get(day);
    if (!dayLines) lines.set(day, (dayLines = []));
    dayLines.push(formatRow(row));
  }

  for (const [day, dayLines] of lines) {
    let writer = writers.get(day);
    if (!writer) {
      const name = `${day}.csv`;
      const file: FlightDayFile = { name, path: path.join(dir, name), rows: 0, bytes: CSV_HEADER.length };
      writer = { stream: createWriteStream(file.path), file };
      writer.stream.write(CSV_HEADER);
      writers.set(day, writer);
    }
    const text = dayLines.join('');
    writer.file.rows += dayLines.length;
    writer.file.bytes += Buffer.byteLength(text);
    if (!writer.stream.write(text)) await once(writer.stream, 'drain');
  }
}

function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

/** Formats one CSV line. The Parquet timestamps carry no zone (`isAdjustedToUTC: false`), so neither does the CSV. */
function formatRow(row: FlightRow): string {
  const date = row.date.toISOString().slice(0, 16).replace('T', ' ');
  return `${date},${row.delay ?? ''},${row.distance ?? ''},${row.origin ?? ''},${row.destination ?? ''}\n`;
}
