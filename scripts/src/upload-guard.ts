import { ApiOptions, BatchView } from './api';
import { ACTIVE_STATUSES, getBatchStatus } from './batches';
import { CliError, HttpStatusError } from './errors';
import { MANIFEST_BLOB_NAME } from './names';
import { quotedCliCommand } from './stack-options';
import { Storage } from './storage';
import { ManifestBlob, readManifestBlob } from './upload';

/**
 * Age below which a `_manifest.json` that started no run counts as a run about to start. Its blob event reaches the
 * app within seconds on the local stack and, as an estimate, within a minute on Azure. An older manifest that started
 * no run was ignored, as during a run, or has no event to start it, as under Core Tools.
 */
export const PENDING_MANIFEST_WINDOW_MS = 2 * 60_000;

/**
 * Attempts of a batch status read before an upload. The local host returns HTTP 500 for a request caught in an app
 * worker thread's restart, so a server error is retried after a pause.
 */
const STATUS_READ_ATTEMPTS = 3;
export const STATUS_RETRY_DELAY_MS = 1000;

/**
 * Reads the batch's latest run, retrying server errors. A Function App that cannot be reached fails the upload with
 * the error that names its URL, because the check that no run is active cannot be made without it.
 */
export async function readLatestRun(
  api: ApiOptions,
  batchId: string,
  retryDelayMs = STATUS_RETRY_DELAY_MS,
): Promise<BatchView | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await getBatchStatus(api, batchId);
    } catch (error) {
      const serverError = error instanceof HttpStatusError && error.status >= 500;
      if (!serverError || attempt >= STATUS_READ_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
}

/** Returns true for a run that is Pending or Running. */
export function isActiveRun(view: BatchView | undefined): view is BatchView {
  return view !== undefined && (ACTIVE_STATUSES as readonly string[]).includes(view.runtimeStatus);
}

/**
 * Returns an error when the batch's `_manifest.json` started no run and was written less than
 * PENDING_MANIFEST_WINDOW_MS ago, because its run may start during the upload and read a mix of old and new files.
 */
export function pendingManifestError(
  batchId: string,
  latest: BatchView | undefined,
  manifest: ManifestBlob | undefined,
  now = Date.now(),
): CliError | undefined {
  if (!manifest?.lastModified || latest?.manifestEtag === manifest.etag) return undefined;
  const written = manifest.lastModified.getTime();
  if (now - written >= PENDING_MANIFEST_WINDOW_MS) return undefined;
  const lapses = new Date(written + PENDING_MANIFEST_WINDOW_MS).toISOString();
  return new CliError(
    `batch '${batchId}' has a ${MANIFEST_BLOB_NAME} that started no run yet (ETag ${manifest.etag}, written at ` +
      `${manifest.lastModified.toISOString()}), and its run may start during this upload and read a mix of old and ` +
      `new files: follow that run with ${quotedCliCommand(['wait', batchId, '--etag', manifest.etag])}, then upload ` +
      `again. If that manifest will never start a run, because it arrived during a run or no blob event reaches the ` +
      `app, run ${quotedCliCommand(['start', batchId])} or upload again after ${lapses}`,
  );
}

/**
 * Checks the batch again after the data files are uploaded and throws when a run started or another manifest was
 * written during the upload, because that run may read a mix of old and new files. Returns the manifest ETag that it
 * read, or null when there is no manifest.
 */
export async function assertNothingStarted(
  api: ApiOptions,
  storage: Storage,
  batchId: string,
  before: ManifestBlob | undefined,
  options: { writesManifest: boolean; retryDelayMs?: number },
): Promise<string | null> {
  const notWritten = options.writesManifest ? `, and this upload did not write ${MANIFEST_BLOB_NAME}` : '';
  const latest = await readLatestRun(api, batchId, options.retryDelayMs);
  if (isActiveRun(latest)) {
    const run = latest.runId ? `run ${latest.runId}` : 'a run';
    const follow = latest.runId ? ['wait', batchId, '--run', latest.runId] : ['wait', batchId];
    throw new CliError(
      `${run} of batch '${batchId}' started (${latest.runtimeStatus}) while this upload wrote the data files, ` +
        `so it may read a mix of old and new files${notWritten}: wait for the run with ` +
        `${quotedCliCommand(follow)}, then upload again`,
    );
  }
  const manifest = await readManifestBlob(storage, batchId);
  if (manifest && manifest.etag !== before?.etag) {
    throw new CliError(
      `another upload wrote input/${batchId}/${MANIFEST_BLOB_NAME} (ETag ${manifest.etag}) while this upload wrote ` +
        `the data files, so the run of that manifest may read a mix of old and new files${notWritten}: wait for ` +
        `that run with ${quotedCliCommand(['wait', batchId, '--etag', manifest.etag])}, then upload again`,
    );
  }
  return manifest?.etag ?? null;
}
