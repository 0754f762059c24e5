import { readJson, writeJson } from '../storage/blobs';
import { WORK_CONTAINER } from '../settings';
import { BatchStatus } from './contracts';
import { workBlob } from './paths';

/** The last run that wrote a result for a batch, kept in the work container for redrives. */
export interface LatestRun {
  runId: string;
  instanceId: string;
  status: BatchStatus;
  /** Files of the whole batch. */
  total: number;
  failed: number;
  /** False when the run failed before mapping (invalid manifest, too many files): it has no partial to extend. */
  mapped: boolean;
  manifestEtag?: string;
}

export async function readLatestRun(batchId: string): Promise<LatestRun | undefined> {
  return readJson<LatestRun>(WORK_CONTAINER, workBlob.latestRun(batchId));
}

export async function writeLatestRun(batchId: string, run: LatestRun): Promise<void> {
  await writeJson(WORK_CONTAINER, workBlob.latestRun(batchId), run);
}
