import path from 'node:path';
import type { Readable } from 'node:stream';

/** The parts of a partial aggregate the benchmarks read; the full type lives in `functions/src/pipeline/types.ts`. */
export interface Partial {
  files: number;
  bytes: number;
  rows: number;
  rejectedRows: number;
  groups: unknown[];
}

export interface MapOptions {
  fileName: string;
  format: 'csv' | 'ndjson';
  groupBy: string[];
  metrics: string[];
  bytes?: number;
}

/** The functions of `functions/dist/pipeline` that the plain baseline calls, exactly as the map and reduce do. */
export interface PipelineModule {
  mapStream(
    source: Readable,
    options: MapOptions,
  ): Promise<{ ok: true; partial: Partial } | { ok: false; error: { message: string } }>;
  mergeAll(partials: readonly Partial[]): Partial;
  summarize(partial: Partial, manifest: { metrics: string[]; quantiles: number[] }): { groups: unknown[] };
  DEFAULT_QUANTILES: readonly number[];
}

/**
 * Loads the compiled pipeline of a Function App, by default the project's. `scripts/` compiles on its own, so the
 * module is required at run time and typed by the interface above.
 */
export function loadPipeline(appDir = path.dirname(require.resolve('@fanout/functions/package.json'))): PipelineModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the path is known only at run time
  return require(path.join(path.resolve(appDir), 'dist', 'pipeline', 'index.js')) as PipelineModule;
}
