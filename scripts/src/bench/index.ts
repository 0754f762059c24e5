import { Command, InvalidArgumentError } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../errors';
import { readMachineFacts } from './machine';
import { caseMarkdown, caseText, machineMarkdown } from './report';
import { CASE_NAMES, runBench, type CaseName } from './run-bench';
import { FULL_SIZES, QUICK_SIZES } from './sizes';

interface BenchFlags {
  quick: boolean;
  runs?: number;
  cases: CaseName[];
  data: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function parseRuns(text: string): number {
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20)
    throw new InvalidArgumentError('use a whole number from 1 to 20');
  return runs;
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
  const dataDir = path.resolve(flags.data);
  const started = Date.now();
  const results = await runBench({
    sizes,
    cases: flags.cases,
    dataDir,
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
    JSON.stringify({ machine, command, sizes, minutes, results }, null, 2),
  );
  process.stdout.write(`Results: ${path.join(outDir, 'results.json')}, tables: ${path.join(outDir, 'results.md')}\n`);
  return 0;
}

const program = new Command('bench')
  .description(
    'Measure orchestration cost against plain scripts and DuckDB on this machine; traffic stays on 127.0.0.1',
  )
  .option('--quick', 'smaller workloads: about 3 minutes instead of about 20', false)
  .option('--runs <n>', 'measured runs per case, after one warm-up (default: 3)', parseRuns)
  .option('--cases <list>', `comma-separated cases to run (default: all): ${CASE_NAMES.join(', ')}`, parseCases, [
    ...CASE_NAMES,
  ])
  .option(
    '--data <dir>',
    'project data folder; results go to <dir>/bench/ (env FANOUT_DATA)',
    process.env.FANOUT_DATA ?? '.data',
  )
  .action((flags: BenchFlags) => runCommand(() => main(flags)));

program.parseAsync().catch(() => undefined);
