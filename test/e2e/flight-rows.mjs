// Prints `origin,delay,distance` for every flight in the first N calendar days of a flights Parquet
// file, read straight with hyparquet. It runs as a child process because jest cannot load the ESM-only
// hyparquet packages. It reads every row group and shares no code with the demo's CSV export, so the
// test's expected values do not depend on the code under test.
import { readFile } from 'node:fs/promises';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [source, daysText] = process.argv.slice(2);
const bytes = await readFile(source);
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const metadata = parquetMetadata(file);
const dayMs = 24 * 60 * 60 * 1000;
let cutoff;
let rowStart = 0;
const out = [];

for (const group of metadata.row_groups) {
  const rowEnd = rowStart + Number(group.num_rows);
  const rows = await parquetReadObjects({
    file,
    compressors,
    rowStart,
    rowEnd,
    columns: ['date', 'delay', 'distance', 'origin'],
  });
  rowStart = rowEnd;
  cutoff ??= Math.floor(rows[0].date.getTime() / dayMs) * dayMs + Number(daysText) * dayMs;
  const inRange = rows.filter((row) => row.date.getTime() < cutoff);
  for (const row of inRange) out.push(`${row.origin},${row.delay},${row.distance}`);
}
process.stdout.write(`${out.join('\n')}\n`);
