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
import { apiOptions, GlobalFlags, optionalStorageFor, storageFor } from './cli-context';
import { CliError, describeError } from './errors';
import { loadManifest, ManifestFlags } from './manifest';
import { formatBytes } from './report';
import { prepareOutFile } from './out-file';
import { downloadSummary, parseSummary, SummaryNotFoundError } from './summary';
import { describeCompletedRun, describeSummary } from './batch-report';
import {
  currentManifestEtag,
  fileCount,
  isSkippedFile,
  listDataFiles,
  normalizeEtag,
  otherInputBlobs,
  readManifestBlob,
  uploadBatch,
  uploadDataFiles,
} from './upload';
import {
  assertNothingStarted,
  isActiveRun,
  pendingManifestError,
  readLatestRun,
  STATUS_RETRY_DELAY_MS,
} from './upload-guard';
import { batchExitCode, describeOutcome, matchRun, replacedRunError, TIMED_OUT_EXIT_CODE, waitForBatch } from './wait';
import { ApiOptions, BatchView } from './api';
import { cliCommand, quotedCliCommand } from './stack-options';
import { dataOnlyNextStep } from './next-steps';

/** Formats the command that follows one run of the batch, such as `npm run cli -- wait b1 --run R`. */
function runWaitCommand(batchId: string, runId: string | undefined): string {
  return cliCommand(runId === undefined ? ['wait', batchId] : ['wait', batchId, '--run', runId]);
}

function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
}

export async function uploadCommand(
  dir: string,
  flags: GlobalFlags &
    ManifestFlags & { batch: string; allFiles?: boolean; startTimeout?: string; wait?: boolean; dataOnly?: boolean },
): Promise<number | void> {
  // Every option is checked before the first blob is written, so a rejected command changes nothing.
  const batchId = validateBatchId(flags.batch);
  const startTimeoutMs = seconds(flags.startTimeout, '--start-timeout') ?? 60_000;
  if (flags.dataOnly) assertNoManifestFlags(flags);
  const manifest = flags.dataOnly ? undefined : await loadManifest(dir, flags);
  const listing = await listDataFiles(dir);
  for (const link of listing.skippedLinks) process.stderr.write(`warning: skipped symbolic link ${link}\n`);
  const listed = listing.files;
  const files = flags.allFiles ? listed : listed.filter((file) => !isSkippedFile(file.name));
  const skipped = listed.length - files.length;
  // A folder with only a manifest uploads a new manifest for the data files already under the batch's prefix.
  const manifestOnly = files.length === 0 && listing.hasManifest && !flags.dataOnly;
  if (files.length === 0 && !manifestOnly) {
    throw noDataFilesError(dir, batchId, skipped, { rerunHint: !flags.dataOnly });
  }
  if (skipped > 0) {
    process.stderr.write(
      `skipped ${skipped} file${skipped === 1 ? '' : 's'} that are dotfiles or not .csv, .ndjson or .jsonl: pass --all-files to upload them\n`,
    );
  }

  const storage = await storageFor(flags);
  // Resolved before the upload, so that an invalid stack.json stops the command before it writes blobs.
  const api = await apiOptions(flags);
  const latest = await assertNoActiveRun(api, batchId, { dataOnly: !manifest });
  const manifestBefore = await readManifestBlob(storage, batchId);
  const pending = pendingManifestError(batchId, latest, manifestBefore);
  if (pending) throw pending;
  if (!manifest) {
    const summary = await uploadDataFiles(storage, batchId, files);
    await assertNothingStarted(api, storage, batchId, manifestBefore, { writesManifest: false });
    print(
      `uploaded ${fileCount(summary.files)} (${formatBytes(summary.bytes)}) to input/${batchId}/ in ` +
        `${summary.seconds.toFixed(1)} s ${await dataOnlyNextStep(storage, batchId)}`,
    );
    return;
  }
  const others = await otherInputBlobs(storage, batchId, files);
  if (manifestOnly && others.length === 0) {
    throw noDataFilesError(dir, batchId, skipped, { detail: `, and input/${batchId}/ has none either` });
  }
  if (others.length > 0 && !manifestOnly) {
    process.stderr.write(
      `warning: input/${batchId}/ already contains ${others.length} blob${others.length === 1 ? '' : 's'} not in '${dir}' ` +
        `(${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}), which become part of the batch\n`,
    );
  }

  const summary = await uploadBatch(storage, batchId, files, manifest, {
    beforeManifest: () => assertNothingStarted(api, storage, batchId, manifestBefore, { writesManifest: true }),
  });
  print(
    manifestOnly
      ? `uploaded only _manifest.json to input/${batchId}/, where the run reads the ${fileCount(others.length)} ` +
          `already uploaded, in ${summary.seconds.toFixed(1)} s`
      : `uploaded ${fileCount(summary.files)} (${formatBytes(summary.bytes)}) and then _manifest.json to ` +
          `input/${batchId}/ in ${summary.seconds.toFixed(1)} s`,
  );
  if (flags.wait === false) {
    print(
      `the manifest starts the batch where its blob event reaches the app, as on the local host and on Azure: ` +
        `follow the run of this manifest with ${quotedCliCommand(['wait', batchId, '--etag', summary.manifestEtag])}. ` +
        `Run ${quotedCliCommand(['start', batchId])} only to run the batch again, or where no blob event reaches the app, ` +
        'as under Core Tools',
    );
    return;
  }

  // A reused batch id shows its previous run until the uploaded manifest has started a new one.
  const view = await waitForManifestRun(api, batchId, summary.manifestEtag, { timeoutMs: startTimeoutMs });
  if (!(FINAL_STATUSES as readonly string[]).includes(view.runtimeStatus)) {
    print(`batch ${batchId} started run ${view.runId}; follow it with: ${runWaitCommand(batchId, view.runId)}`);
    return;
  }
  // A small batch can end before the first status read: its outcome is printed here, with the exit code of wait.
  print(`batch ${batchId} started run ${view.runId}; it ${describeOutcome(view)}`);
  if (view.runtimeStatus === 'Completed') {
    for (const line of await describeCompletedRun(storage, batchId, view)) print(line);
  }
  print(`'${runWaitCommand(batchId, view.runId)}' exits with the code of this outcome`);
  return batchExitCode(view);
}

/** Returns the error for an upload folder without data files, with the ways to run the batch on uploaded files. */
function noDataFilesError(
  dir: string,
  batchId: string,
  skipped: number,
  options: { rerunHint?: boolean; detail?: string },
): CliError {
  const otherFiles = skipped > 0 ? `, or pass --all-files to upload its ${fileCount(skipped)} of other types` : '';
  const rerun = !options.rerunHint
    ? ''
    : `. To run batch '${batchId}' again on the files already in input/${batchId}/, run ` +
      `${quotedCliCommand(['start', batchId])}, or upload a folder that contains only a new _manifest.json`;
  return new CliError(
    `folder '${dir}' has no data files${options.detail ?? ''}: add CSV or NDJSON files to it${otherFiles}${rerun}`,
  );
}

/** Throws when a manifest option is given with --data-only, which uploads no manifest. */
function assertNoManifestFlags(flags: ManifestFlags): void {
  const givenOptions = (
    [
      ['--group-by', flags.groupBy],
      ['--metrics', flags.metrics],
      ['--format', flags.format],
      ['--quantiles', flags.quantiles],
      ['--tolerated-failure-percentage', flags.toleratedFailurePercentage],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (givenOptions.length > 0) {
    throw new CliError(
      `invalid ${givenOptions[0][0]} with --data-only: --data-only leaves _manifest.json as it is, so leave the manifest ` +
        'options out, or upload without --data-only to replace the manifest and start a new run',
    );
  }
}

/**
 * Throws when the batch has a Pending or Running run: the app ignores a manifest uploaded during a run, and data
 * files written during a run may be read by it. Returns the latest run otherwise. A Function App that cannot be
 * reached is an error, as the check needs it.
 */
export async function assertNoActiveRun(
  api: ApiOptions,
  batchId: string,
  options: { dataOnly?: boolean; retryDelayMs?: number } = {},
): Promise<BatchView | undefined> {
  const view = await readLatestRun(api, batchId, options.retryDelayMs ?? STATUS_RETRY_DELAY_MS);
  if (!isActiveRun(view)) return view;
  const run = view.runId ? ` run ${view.runId}` : ' run';
  const reason = options.dataOnly
    ? 'and the run may read data files uploaded during it'
    : 'and the app ignores a manifest uploaded during a run';
  throw new CliError(
    `batch '${batchId}' has an active${run} (${view.runtimeStatus}), ${reason}: wait for it with ` +
      `${quotedCliCommand(['wait', batchId])} or stop it with ${quotedCliCommand(['terminate', batchId])}, ` +
      'then upload again',
  );
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
        `batch '${batchId}' did not start a run on the uploaded manifest within ${options.timeoutMs / 1000} s. ` +
          `Either a run of the batch was active when the manifest arrived, so the app ignored the manifest: ` +
          `wait for that run with ${quotedCliCommand(['wait', batchId])} or terminate it, then upload again. ` +
          `Or the host at ${api.url} does not run or does not read the blob-created queue: check it, then run ` +
          `${quotedCliCommand(['wait', batchId])}, or upload with --no-wait and run ${quotedCliCommand(['start', batchId])}`,
        TIMED_OUT_EXIT_CODE,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function startCommand(id: string, flags: GlobalFlags & { json?: boolean }): Promise<void> {
  const batchId = validateBatchId(id);
  const api = await apiOptions(flags);
  const payload = await startBatch(api, batchId);
  await printStartedRun(api, batchId, '', payload, flags.json);
}

/**
 * Prints the run that start or redrive began, read from the batch's status, and the command that follows it.
 * With --json it prints the API's response, whose Durable management URLs scripts use, as it is.
 */
async function printStartedRun(
  api: ApiOptions,
  batchId: string,
  purpose: string,
  payload: unknown,
  json: boolean | undefined,
): Promise<void> {
  if (json) {
    print(payload);
    return;
  }
  const view = await getBatchStatus(api, batchId).catch(() => undefined);
  if (view?.runId === undefined) {
    print(`started batch ${batchId}${purpose}; follow it with: ${cliCommand(['wait', batchId])}`);
    return;
  }
  const follow = runWaitCommand(batchId, view.runId);
  print(`started run ${view.runId} of batch ${batchId}${purpose}; follow it with: ${follow}`);
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
  if (flags.run !== undefined && flags.run.trim() === '') {
    throw new CliError(`invalid --run '${flags.run}': pass the run id that upload prints, or leave the option out`);
  }
  if (flags.etag !== undefined && normalizeEtag(flags.etag).trim() === '') {
    throw new CliError(
      `invalid --etag '${flags.etag}': pass the manifest ETag that upload --no-wait prints, or leave the option out`,
    );
  }
  const options = {
    timeoutMs: seconds(flags.timeout, '--timeout'),
    intervalMs: seconds(flags.interval, '--interval') ?? 1000,
    startTimeoutMs: seconds(flags.startTimeout, '--start-timeout') ?? 60_000,
  };
  const api = await apiOptions(flags);
  let manifestEtag = flags.etag === undefined ? undefined : normalizeEtag(flags.etag);
  if (flags.run === undefined && manifestEtag === undefined)
    manifestEtag = await newerManifestEtag(flags, api, batchId);
  else if (manifestEtag !== undefined) await assertManifestCurrent(flags, api, batchId, manifestEtag);
  const status = await untilInterrupted(batchId, { runId: flags.run, manifestEtag }, (onStatus) =>
    waitForBatch(api, batchId, { ...options, runId: flags.run, manifestEtag, onStatus }),
  );
  print(`batch ${batchId} ${describeOutcome(status)}`);
  // Only a completed run writes summary.json and failed.jsonl; after a terminated or failed run they are older.
  if (status.runtimeStatus === 'Completed') {
    for (const line of await completedRunLines(flags, batchId, status)) print(line);
  }
  return batchExitCode(status);
}

/**
 * Returns the ETag of the batch's current `_manifest.json` when the batch's latest run has ended and was started by
 * another manifest, so that a plain `wait ID` after an upload follows the new run instead of reporting the old one.
 * Returns undefined when the latest run is active, matches, or storage cannot be read.
 */
async function newerManifestEtag(flags: GlobalFlags, api: ApiOptions, batchId: string): Promise<string | undefined> {
  const latest = await getBatchStatus(api, batchId).catch(() => undefined);
  if (!latest?.manifestEtag || !(FINAL_STATUSES as readonly string[]).includes(latest.runtimeStatus)) return undefined;
  const current = await optionalStorageFor(flags)
    .then((storage) => (storage ? currentManifestEtag(storage, batchId) : undefined))
    .catch(() => undefined);
  if (current === undefined || current === latest.manifestEtag) return undefined;
  process.stderr.write(
    `the latest run ${latest.runId ?? ''} of batch ${batchId} ran on an older _manifest.json; ` +
      `waiting for the run of the current one (ETag ${current})\n`,
  );
  return current;
}

/** Exit code of a wait stopped with Ctrl-C (SIGINT), as a shell reports it. */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * Runs a wait and ends the process on SIGINT with one line saying that the batch keeps running and the command that
 * follows it again, then exit code 130. The wait reports each view of its run, so the line names the run.
 */
async function untilInterrupted<T>(
  batchId: string,
  followed: { runId?: string; manifestEtag?: string },
  wait: (onStatus: (view: BatchView) => void) => Promise<T>,
): Promise<T> {
  let runId = followed.runId;
  const onInterrupt = () => {
    const words = runId
      ? ['wait', batchId, '--run', runId]
      : followed.manifestEtag
        ? ['wait', batchId, '--etag', followed.manifestEtag]
        : ['wait', batchId];
    // On a terminal the progress line has no line end yet.
    const lineEnd = process.stderr.isTTY ? '\n' : '';
    process.stderr.write(
      `${lineEnd}stopped waiting; batch ${batchId} keeps running: follow it again with ${quotedCliCommand(words)}\n`,
    );
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await wait((view) => (runId = view.runId ?? runId));
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/**
 * Throws when the batch's latest run is not the run of the manifest with this ETag and storage contains a newer
 * manifest. The app reads only the current manifest, so that run cannot start any more.
 */
async function assertManifestCurrent(flags: GlobalFlags, api: ApiOptions, batchId: string, etag: string) {
  const latest = await getBatchStatus(api, batchId).catch(() => undefined);
  if (!latest || latest.manifestEtag === etag) return;
  const current = await optionalStorageFor(flags)
    .then((storage) => (storage ? currentManifestEtag(storage, batchId) : undefined))
    .catch(() => undefined);
  if (current === undefined || current === etag) return;
  throw replacedRunError(batchId, { manifestEtag: etag }, latest);
}

/** Describes a completed run's result, or in one line why storage could not be opened to read it. */
async function completedRunLines(flags: GlobalFlags, batchId: string, view: BatchView): Promise<string[]> {
  let storage;
  try {
    storage = await optionalStorageFor(flags);
  } catch (error) {
    return [`the rows and rejected rows are unknown: ${describeError(error)}`];
  }
  if (!storage) return ['the rows and rejected rows are unknown: pass --account to read the result from storage'];
  return describeCompletedRun(storage, batchId, view);
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

export async function redriveCommand(id: string, flags: GlobalFlags & { json?: boolean }): Promise<void> {
  const batchId = validateBatchId(id);
  const api = await apiOptions(flags);
  const payload = await redriveBatch(api, batchId);
  await printStartedRun(api, batchId, ' to reprocess its failed files', payload, flags.json);
}

/** Returns an error for a batch whose run ended without writing a result, or undefined when that is unknown. */
async function endedWithoutResult(flags: GlobalFlags, batchId: string): Promise<CliError | undefined> {
  const status = await apiOptions(flags)
    .then((api) => getBatchStatus(api, batchId))
    .catch(() => undefined);
  if (!status || !(FINAL_STATUSES as readonly string[]).includes(status.runtimeStatus)) return undefined;
  return new CliError(
    `batch '${batchId}' ${describeOutcome(status)} and wrote no result: ` +
      `start a new run with ${quotedCliCommand(['start', batchId])}`,
  );
}

export async function resultCommand(id: string, flags: GlobalFlags & { out?: string }): Promise<number> {
  const batchId = validateBatchId(id);
  if (flags.out !== undefined) await prepareOutFile(flags.out);
  const storage = await storageFor(flags);
  const text = await downloadSummary(storage, batchId).catch(async (error: unknown) => {
    // Only a summary that does not exist can mean that the run wrote none; other storage errors stay as they are.
    if (!(error instanceof SummaryNotFoundError)) throw error;
    throw (await endedWithoutResult(flags, batchId)) ?? error;
  });
  const summary = parseSummary(text, batchId);
  const report = await describeSummary(storage, batchId, summary);
  const latest = await apiOptions(flags)
    .then((api) => getBatchStatus(api, batchId))
    .catch(() => undefined);
  const ended = latest !== undefined && (FINAL_STATUSES as readonly string[]).includes(latest.runtimeStatus);
  if (latest?.runId !== undefined && summary.runId !== undefined && latest.runId !== summary.runId) {
    const state = ended ? `${describeOutcome(latest)} and wrote no result` : `is ${latest.runtimeStatus}`;
    process.stderr.write(
      `warning: results/${batchId}/summary.json is of run ${summary.runId}, but the latest run ` +
        `${latest.runId ?? '(unknown id)'} ${state}\n`,
    );
  }
  if (flags.out === undefined) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    // stdout carries only summary.json, so that it can be piped to a JSON tool.
    for (const line of report) process.stderr.write(`${line}\n`);
  } else {
    await writeFile(flags.out, text);
    print(`saved results/${batchId}/summary.json to ${flags.out}`);
    for (const line of report) print(line);
  }
  // The exit code follows the latest run when it ended, as wait's does, else the status in the summary.
  if (latest && ended) return batchExitCode(latest);
  return summary.status === 'failed' ? 1 : 0;
}
