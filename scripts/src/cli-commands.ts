import { writeFile } from 'node:fs/promises';
import { validateBatchId } from './batch-id';
import {
  FINAL_STATUSES,
  getBatchStatus,
  purgeBatch,
  raiseBatchEvent,
  redriveBatch,
  requireBatchStatus,
  startBatch,
  terminateBatch,
} from './batches';
import { apiOptions, GlobalFlags, storageFor } from './cli-context';
import { CliError } from './errors';
import { loadManifest, ManifestFlags } from './manifest';
import { formatBytes } from './report';
import { prepareOutFile } from './out-file';
import { downloadSummary } from './summary';
import { isSkippedFile, listDataFiles, normalizeEtag, otherInputBlobs, uploadBatch } from './upload';
import { batchExitCode, describeOutcome, matchRun, waitForBatch } from './wait';
import { ApiOptions, BatchView } from './api';

function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
}

export async function uploadCommand(
  dir: string,
  flags: GlobalFlags & ManifestFlags & { batch: string; allFiles?: boolean; startTimeout?: string; wait?: boolean },
): Promise<void> {
  const batchId = validateBatchId(flags.batch);

  const listed = await listDataFiles(dir);
  const files = flags.allFiles ? listed : listed.filter((file) => !isSkippedFile(file.name));
  const skipped = listed.length - files.length;
  if (files.length === 0) {
    throw new CliError(
      `folder '${dir}' has no data files: add CSV or NDJSON files to it, or pass --all-files to upload its ${skipped} other files`,
    );
  }
  if (skipped > 0) {
    process.stderr.write(
      `skipped ${skipped} file${skipped === 1 ? '' : 's'} that are dotfiles or not .csv, .ndjson or .jsonl: pass --all-files to upload them\n`,
    );
  }

  const manifest = await loadManifest(dir, flags);
  const storage = await storageFor(flags);
  // Resolved before the upload, so that an invalid stack.json stops the command before it writes blobs.
  const api = flags.wait === false ? undefined : await apiOptions(flags);
  const others = await otherInputBlobs(storage, batchId, files);
  if (others.length > 0) {
    process.stderr.write(
      `warning: input/${batchId}/ already contains ${others.length} blob${others.length === 1 ? '' : 's'} not in '${dir}' ` +
        `(${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}), which become part of the batch\n`,
    );
  }

  const summary = await uploadBatch(storage, batchId, files, manifest);
  print(
    `uploaded ${summary.files} files (${formatBytes(summary.bytes)}) and then _manifest.json to input/${batchId}/ ` +
      `in ${summary.seconds.toFixed(1)} s`,
  );
  if (!api) {
    print(`start the batch with: start ${batchId}`);
    return;
  }

  // A reused batch id shows its previous run until the uploaded manifest has started a new one.
  const view = await waitForManifestRun(api, batchId, summary.manifestEtag, {
    timeoutMs: seconds(flags.startTimeout, '--start-timeout') ?? 60_000,
  });
  print(`batch ${batchId} started run ${view.runId}; follow it with: wait ${batchId} --run ${view.runId}`);
}

/** Polls the batch until it shows the run that the manifest with this ETag started, or fails after timeoutMs. */
async function waitForManifestRun(
  api: ApiOptions,
  batchId: string,
  manifestEtag: string,
  options: { timeoutMs: number },
): Promise<BatchView> {
  const started = Date.now();
  process.stderr.write(`waiting for batch ${batchId} to start a run on the uploaded manifest...\n`);
  for (;;) {
    const view = matchRun(await getBatchStatus(api, batchId), { manifestEtag });
    if (view?.runId) return view;
    if (Date.now() - started > options.timeoutMs) {
      throw new CliError(
        `batch '${batchId}' did not start a run on the uploaded manifest within ${options.timeoutMs / 1000} s: ` +
          `check that the host at ${api.url} runs and reads the blob-created queue, then run 'wait ${batchId}', or upload with --no-wait and run 'start ${batchId}'`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function startCommand(id: string, flags: GlobalFlags): Promise<void> {
  const batchId = validateBatchId(id);
  print(await startBatch(await apiOptions(flags), batchId));
}

export async function statusCommand(id: string, flags: GlobalFlags): Promise<void> {
  const batchId = validateBatchId(id);
  print(await requireBatchStatus(await apiOptions(flags), batchId));
}

export async function waitCommand(
  id: string,
  flags: GlobalFlags & { timeout?: string; interval?: string; startTimeout?: string; run?: string; etag?: string },
): Promise<number> {
  const batchId = validateBatchId(id);
  const status = await waitForBatch(await apiOptions(flags), batchId, {
    runId: flags.run,
    manifestEtag: flags.etag === undefined ? undefined : normalizeEtag(flags.etag),
    timeoutMs: seconds(flags.timeout, '--timeout'),
    intervalMs: seconds(flags.interval, '--interval') ?? 1000,
    startTimeoutMs: seconds(flags.startTimeout, '--start-timeout') ?? 60_000,
  });
  print(`batch ${batchId} ${describeOutcome(status)}`);
  return batchExitCode(status);
}

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0)) throw new CliError(`invalid ${flag} '${value}': use a number of seconds greater than 0`);
  return number * 1000;
}

export async function raiseEventCommand(id: string, name: string, json: string, flags: GlobalFlags): Promise<void> {
  const batchId = validateBatchId(id);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new CliError(
      `invalid JSON for event '${name}': ${(error as Error).message}; quote it for the shell, for example '{"approved":true}'`,
    );
  }
  await raiseBatchEvent(await apiOptions(flags), batchId, name, data);
  print(`raised '${name}' on batch ${batchId}`);
}

export async function terminateCommand(id: string, flags: GlobalFlags & { reason: string }): Promise<void> {
  const batchId = validateBatchId(id);
  await terminateBatch(await apiOptions(flags), batchId, flags.reason);
  print(`terminate requested for batch ${batchId}`);
}

export async function purgeCommand(id: string, flags: GlobalFlags): Promise<void> {
  const batchId = validateBatchId(id);
  const deleted = await purgeBatch(await apiOptions(flags), batchId);
  print(`purged the history of batch ${batchId} (${deleted} instance${deleted === 1 ? '' : 's'})`);
}

export async function redriveCommand(id: string, flags: GlobalFlags): Promise<void> {
  const batchId = validateBatchId(id);
  print(await redriveBatch(await apiOptions(flags), batchId));
}

/** Returns an error for a batch whose run ended without writing a result, or undefined when that is unknown. */
async function endedWithoutResult(flags: GlobalFlags, batchId: string): Promise<CliError | undefined> {
  const status = await apiOptions(flags)
    .then((api) => getBatchStatus(api, batchId))
    .catch(() => undefined);
  if (!status || !(FINAL_STATUSES as readonly string[]).includes(status.runtimeStatus)) return undefined;
  return new CliError(
    `batch '${batchId}' ${describeOutcome(status)} and wrote no result: ` + `start a new run with 'start ${batchId}'`,
  );
}

export async function resultCommand(id: string, flags: GlobalFlags & { out?: string }): Promise<void> {
  const batchId = validateBatchId(id);
  if (flags.out) await prepareOutFile(flags.out);
  const text = await downloadSummary(await storageFor(flags), batchId).catch(async (error: unknown) => {
    throw (await endedWithoutResult(flags, batchId)) ?? error;
  });
  if (!flags.out) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  await writeFile(flags.out, text);
  print(`saved results/${batchId}/summary.json to ${flags.out}`);
}
