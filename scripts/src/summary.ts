import { RestError } from '@azure/storage-blob';
import { CliError } from './errors';
import { resultsContainer, Storage, withStorage } from './storage';

export interface MetricSummary {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** One field per requested quantile, such as p50, p95 and p99. */
  [quantile: string]: number | null;
}

export interface GroupSummary {
  key: Record<string, string>;
  count: number;
  metrics: Record<string, MetricSummary>;
}

/** The fields of `results/<batchId>/summary.json` that the scripts read. */
export interface BatchSummary {
  batchId: string;
  instanceId: string;
  status: string;
  input: { blobs: number; bytes: number; rows: number; rejectedRows: number };
  failedBlobs: unknown;
  groups: GroupSummary[];
  timing?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Downloads `results/<batchId>/summary.json` as text, exactly as the Function App wrote it. */
export async function downloadSummary(storage: Storage, batchId: string): Promise<string> {
  return withStorage(storage, async () => {
    try {
      const blob = resultsContainer(storage).getBlobClient(`${batchId}/summary.json`);
      return (await blob.downloadToBuffer()).toString('utf8');
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) {
        throw new CliError(
          `no result for batch '${batchId}': results/${batchId}/summary.json does not exist yet; ` +
            `run 'wait ${batchId}' and check its status`,
        );
      }
      throw error;
    }
  });
}

export function parseSummary(text: string, batchId: string): BatchSummary {
  try {
    return JSON.parse(text) as BatchSummary;
  } catch (error) {
    throw new CliError(`results/${batchId}/summary.json is not valid JSON: ${(error as Error).message}`);
  }
}
