import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../errors';
import { functionsAppDir } from './batch-runs';
import { readMachineFacts } from './machine';
import { caseMarkdown, caseText, machineMarkdown } from './report';
import { CASE_NAMES, runBench, type CaseName } from './run-bench';
import { FULL_SIZES, QUICK_SIZES } from './sizes';

interface BenchFlags {
  quick: boolean;
  runs?: number;
  cases: CaseName[];
  data: string;
  app: string;
  files?: number[];
  workers: number[];
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function parseRuns(text: string): number {
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20)
    throw new InvalidArgumentError('use a whole number from 1 to 20');
  return runs;
}

function parseFiles(text: string): number[] {
  const counts = text.split(',').map(Number);
  if (!counts.every((count) => Number.isInteger(count) && count >= 1 && count <= 100_000)) {
    throw new InvalidArgumentError('use whole numbers from 1 to 100000, separated by commas');
  }
  return counts;
}

/** The range of FUNCTIONS_WORKER_PROCESS_COUNT in Azure, which the host's --workers accepts. */
const MIN_WORKERS = 1;
const MAX_WORKERS = 10;

function parseWorkers(text: string): number[] {
  const items = text.split(',').map((item) => item.trim());
  const counts = items.map(Number);
  const valid = (item: string, count: number) => /^\d+$/.test(item) && count >= MIN_WORKERS && count <= MAX_WORKERS;
  if (!items.every((item, i) => valid(item, counts[i]))) {
    throw new InvalidArgumentError(`use whole numbers from ${MIN_WORKERS} to ${MAX_WORKERS}, separated by commas`);
  }
  if (new Set(counts).size !== counts.length) throw new InvalidArgumentError('list each worker count once');
  return counts;
}

function parseCases(text: string): CaseName[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(CASE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown case ${unknown.join(', ')}: use ${CASE_NAMES.join(', ')}`);
  }
  return names as CaseName[];
}

async function main(flags: BenchFlags): Promise<number> {
  const machine = readMachineFacts();
  const sizes = { ...(flags.quick ? QUICK_SIZES : FULL_SIZES), ...(flags.runs ? { runs: flags.runs } : {}) };
  if (flags.files)
    sizes.mapReduce = flags.files.map((files) => ({ files, rowsPerFile: sizes.mapReduce[0].rowsPerFile }));
  const dataDir = path.resolve(flags.data);
  const started = Date.now();
  const results = await runBench({
    sizes,
    cases: flags.cases,
    workers: flags.workers,
    dataDir,
    appDir: path.resolve(flags.app),
    fixtureAppDir: path.join(REPO_ROOT, 'test', 'fixtures', 'apps', 'bench-fanout'),
    progress: (message) => process.stderr.write(`${message}\n`),
  });
  const minutes = (Date.now() - started) / 60_000;

  const command = `npm run bench${process.argv.slice(2).length > 0 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  process.stdout.write(`\n${results.map(caseText).join('\n')}\nBench time: ${minutes.toFixed(1)} min\n`);
  const outDir = path.join(dataDir, 'bench');
  await mkdir(outDir, { recursive: true });
  const markdown = [machineMarkdown(machine, command), ...results.map(caseMarkdown)].join('\n');
  await writeFile(path.join(outDir, 'results.md'), markdown);
  await writeFile(
    path.join(outDir, 'results.json'),
    JSON.stringify({ machine, command, sizes, workers: flags.workers, minutes, results }, null, 2),
  );
  process.stdout.write(`Results: ${path.join(outDir, 'results.json')}, tables: ${path.join(outDir, 'results.md')}\n`);
  return 0;
}

const program = new Command('bench')
  .description(
    'Measure orchestration cost against plain scripts and DuckDB on this machine; traffic stays on 127.0.0.1',
  )
  .option('--quick', 'smaller workloads that take about a fifth of the time', false)
  .option('--runs <n>', 'measured runs per case, after one warm-up (default: 3)', parseRuns)
  .option('--cases <list>', `comma-separated cases to run: ${CASE_NAMES.join(', ')}`, parseCases, [...CASE_NAMES])
  .option('--files <list>', 'comma-separated file counts of the map-reduce case (default: 1000,4000)', parseFiles)
  .addOption(
    new Option(
      '--workers <list>',
      `comma-separated app worker thread counts, ${MIN_WORKERS} to ${MAX_WORKERS}; map-reduce and flights run once ` +
        'per count, the other cases with 1',
    )
      .argParser(parseWorkers)
      .default([1, 2], '1,2'),
  )
  .option('--app <dir>', 'Function App to measure, for example a patched build', functionsAppDir())
  .option(
    '--data <dir>',
    'project data folder; results go to <dir>/bench/ (env FANOUT_DATA)',
    process.env.FANOUT_DATA ?? '.data',
  )
  .action((flags: BenchFlags) => runCommand(() => main(flags)));

program.parseAsync().catch(() => undefined);
