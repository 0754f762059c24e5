import { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiOptions } from './api';
import { validateBatchId } from './batch-id';
import { CliError, runCommand } from './errors';
import { exportFlightsByDay, FlightFiles } from './flights';
import { ManifestDocument } from './manifest';
import { formatBytes, formatTopGroups } from './report';
import { addStackFlags, dataDir, npmCommandFor, StackFlags, stackPorts } from './stack-options';
import { assertDataDirFree, findRunningStack, requestedWorkers, RunningStack, startStack, WORKERS_HELP } from './stack';
import { openStorage, Storage } from './storage';
import { prepareOutFile } from './out-file';
import { BatchSummary, downloadSummary, parseSummary } from './summary';
import { uploadBatch } from './upload';
import { batchExitCode, describeOutcome, waitForBatch } from './wait';

interface DemoFlags extends StackFlags {
  days?: string;
  out?: string;
  batch?: string;
  connectionString?: string;
  workers?: string;
}

const MANIFEST: ManifestDocument = { format: 'csv', groupBy: ['origin'], metrics: ['delay', 'distance'] };

/** Connects to a running stack on the API port, or starts one that stops when the demo ends. */
async function connect(
  flags: DemoFlags,
  dir: string,
  workers: number | undefined,
): Promise<{ api: ApiOptions; storage: Storage; stack?: RunningStack }> {
  const ports = stackPorts(flags);
  const explicit = {
    blob: flags.blobPort !== undefined,
    queue: flags.queuePort !== undefined,
    table: flags.tablePort !== undefined,
  };
  const running = await findRunningStack(dir, ports, explicit);
  if (running) {
    if (workers !== undefined && running.workers !== workers) {
      const started =
        running.workers === undefined
          ? "the host's default worker count (1, unless functions/local.settings.json sets FUNCTIONS_WORKER_PROCESS_COUNT)"
          : `${running.workers} app worker threads`;
      throw new CliError(
        `the stack at ${running.apiUrl} (pid ${running.pid}) runs ${started}, not ${workers}: drop --workers and ` +
          `FUNCTIONS_WORKER_PROCESS_COUNT, or stop it and run 'npm start -- --workers ${workers}'`,
      );
    }
    const connectionString = flags.connectionString ?? running.connectionString;
    process.stderr.write(`using the stack already running at ${running.apiUrl} (pid ${running.pid})\n`);
    return { api: { url: running.apiUrl }, storage: openStorage({ connectionString }) };
  }
  await assertDataDirFree(dir);
  process.stderr.write(`starting Azurite and the local host (log: ${path.join(dir, 'host.log')})\n`);
  const stack = await startStack({ dataDir: dir, ports, hostLog: 'file', workers });
  return { api: { url: stack.apiUrl }, storage: openStorage({ connectionString: stack.connectionString }), stack };
}

/** Number of days in the flights data set, the largest valid --days. */
const MAX_DAYS = 182;

function parseDays(flags: DemoFlags): number | undefined {
  const days = flags.days === undefined ? undefined : Number(flags.days);
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= MAX_DAYS)) {
    throw new CliError(`invalid --days '${flags.days}': use a whole number of days from 1 to ${MAX_DAYS}`);
  }
  return days;
}

async function prepareFiles(days: number | undefined, dir: string): Promise<FlightFiles> {
  process.stderr.write('preparing one CSV file per day from vega-datasets flights-3m.parquet\n');
  const files = await exportFlightsByDay({ cacheDir: path.join(dir, 'flights'), days });
  process.stderr.write(`${files.cached ? 'reused' : 'wrote'} ${files.files.length} files in ${files.dir}\n`);
  return files;
}

/**
 * Exits with 130 on Ctrl-C or SIGTERM, after stopping the stack when the demo started one. Exiting runs the
 * exit hook that terminates Azurite and the host if they are still starting.
 */
function exitOnSignal(current: () => RunningStack | undefined): void {
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping\n`);
    const stack = current();
    if (!stack) process.exit(130);
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function defaultBatchId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `flights-${stamp}`;
}

interface RunFacts {
  batchSeconds: number;
  wallSeconds: number;
  out?: string;
  dashboard: string;
}

/** Formats what the demo prints at the end: the batch, its input, the top 15 origins and the times. */
function resultLines(summary: BatchSummary, facts: RunFacts): string[] {
  const { input } = summary;
  const rate = Math.round(input.rows / facts.batchSeconds).toLocaleString('en-US');
  return [
    `Batch ${summary.batchId}: ${summary.status}`,
    `Input: ${input.blobs} files, ${formatBytes(input.bytes)}, ` +
      `${input.rows.toLocaleString('en-US')} rows, ${input.rejectedRows} rejected`,
    '',
    'Top 15 origins by mean departure delay (minutes):',
    formatTopGroups(summary, { metric: 'delay', top: 15 }),
    '',
    `Batch time: ${facts.batchSeconds.toFixed(1)} s from manifest to result (${rate} rows/s)`,
    `Wall time: ${facts.wallSeconds.toFixed(1)} s`,
    `Result: results/${summary.batchId}/summary.json${facts.out ? `, saved to ${facts.out}` : ''}`,
    `Dashboard: ${facts.dashboard}`,
  ];
}

async function main(flags: DemoFlags): Promise<number> {
  const startedAt = Date.now();
  const batchId = validateBatchId(flags.batch ?? defaultBatchId());
  const days = parseDays(flags);
  const workers = requestedWorkers(flags.workers);
  if (flags.out !== undefined) await prepareOutFile(flags.out);
  const dir = dataDir(flags);
  await mkdir(dir, { recursive: true });
  const started: { stack?: RunningStack } = {};
  exitOnSignal(() => started.stack);
  const { api, storage, stack } = await connect(flags, dir, workers);
  started.stack = stack;

  try {
    const files = await prepareFiles(days, dir);
    const upload = await uploadBatch(storage, batchId, files.files, MANIFEST);
    process.stderr.write(
      `uploaded ${upload.files} files (${formatBytes(upload.bytes)}) to input/${batchId}/ in ${upload.seconds.toFixed(1)} s; ` +
        `the manifest started the batch\n`,
    );
    const batchStarted = Date.now();
    // A reused batch id shows its previous run until the uploaded manifest has started a new one.
    const status = await waitForBatch(api, batchId, { manifestEtag: upload.manifestEtag });
    if (batchExitCode(status) !== 0) throw new CliError(`batch '${batchId}' ${describeOutcome(status)}`);
    const text = await downloadSummary(storage, batchId);
    const summary = parseSummary(text, batchId);
    if (flags.out !== undefined) await writeFile(flags.out, text);

    const lines = resultLines(summary, {
      batchSeconds: (Date.now() - batchStarted) / 1000,
      wallSeconds: (Date.now() - startedAt) / 1000,
      out: flags.out,
      dashboard: stack
        ? `run '${npmCommandFor('start', flags)}' and open ${api.url}/ to see this batch`
        : `${api.url}/`,
    });
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    return 0;
  } finally {
    await stack?.stop();
  }
}

const program = addStackFlags(new Command('demo'))
  .description('Run the pipeline on the 3 million US flight records from the vega-datasets package')
  .option('--days <n>', `take only the first N days of the data (1 to ${MAX_DAYS})`)
  .option('--out <file>', 'also write summary.json to this file')
  .option('--batch <id>', 'batch id (default: flights-<UTC timestamp>)')
  .option('--workers <n>', WORKERS_HELP)
  .option('--connection-string <value>', 'storage of an already running stack (default: the one npm start recorded)')
  .action((flags: DemoFlags) => runCommand(() => main(flags)));

program.parseAsync().catch(() => undefined);
