import { BlobServiceClient } from '@azure/storage-blob';
import { csvFile, DataFile, makeRows, SALES_MANIFEST, uploadBatch } from '../../functions/support/batch-data';

export { SALES_MANIFEST };

/** `FULL=1` runs the long fault tests at full size; `npm test` runs them reduced. */
export const FULL = process.env.FULL === '1';

/** Files of a generated sales batch: `rowsPerFile` rows each, all different, so a file counted twice shows. */
export function salesFiles(count: number, rowsPerFile: number): DataFile[] {
  return Array.from({ length: count }, (_, index) => csvFile(`part-${index}.csv`, makeRows(index + 1, rowsPerFile)));
}

/** Uploads the files with 8 requests in flight, then the manifest that starts the batch. */
export async function uploadSalesBatch(
  blobs: BlobServiceClient,
  batchId: string,
  files: { name: string; content: string | Buffer }[],
  manifest: unknown,
): Promise<void> {
  await uploadBatch(blobs, batchId, files, manifest, 8);
}

/** Removes the fields that differ between two runs of the same input, ids and timing, from a summary. */
export function comparableSummary(summary: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...summary };
  for (const field of ['batchId', 'instanceId', 'runId', 'timing', 'manifestEtag']) delete rest[field];
  return rest;
}
