import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { ownCpuSeconds } from './process-stats';

/**
 * The speed reference for the map work: DuckDB reads the same CSV files from disk and computes, per group, the
 * count, sum, min, max and approximate quantiles of each metric. It runs as a child process with one JSON
 * argument (`DuckDbJob`) and prints one JSON line (`DuckDbResult`).
 */
export interface DuckDbJob {
  dir: string;
  groupBy: string;
  metrics: string[];
  quantiles: number[];
}

export interface DuckDbResult {
  wallMs: number;
  rows: number;
  groups: number;
  threads: number;
  version: string;
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Quotes an SQL identifier or string literal by doubling the quote character. */
function quote(text: string, mark: '"' | "'"): string {
  return `${mark}${text.split(mark).join(mark + mark)}${mark}`;
}

export function aggregateSql(job: DuckDbJob): string {
  const list = `[${job.quantiles.join(', ')}]`;
  const columns = job.metrics.flatMap((metric) => {
    const column = quote(metric, '"');
    return [
      `count(${column})`,
      `sum(${column})`,
      `min(${column})`,
      `max(${column})`,
      `approx_quantile(${column}, ${list})`,
    ];
  });
  const files = quote(path.join(job.dir, '*.csv'), "'");
  const group = quote(job.groupBy, '"');
  return `SELECT ${group}, count(*) AS row_count, ${columns.join(', ')} FROM read_csv(${files}, header = true) GROUP BY ${group}`;
}

export async function runDuckDb(job: DuckDbJob): Promise<DuckDbResult> {
  const cpuBefore = ownCpuSeconds();
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(aggregateSql(job));
  const rows = reader.getRowObjects().reduce((sum, row) => sum + Number(row.row_count), 0);
  const wallMs = performance.now() - started;

  const settings = await connection.runAndReadAll("SELECT current_setting('threads') AS threads, version() AS version");
  const [{ threads, version }] = settings.getRowObjects();
  connection.closeSync();
  return {
    wallMs,
    rows,
    groups: reader.currentRowCount,
    threads: Number(threads),
    version: String(version),
    cpuSeconds: ownCpuSeconds() - cpuBefore,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

if (require.main === module) {
  runDuckDb(JSON.parse(process.argv[2]) as DuckDbJob).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
