import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RunningStack } from '../../scripts/src/stack';
import { builtScript, runScript, startTestStack } from './run-script';

/** Returns the run id that upload prints once the uploaded manifest started its run. */
function startedRun(stdout: string): string | undefined {
  return /started run (\S+);/.exec(stdout)?.[1];
}

describe('upload to a reused batch id', () => {
  const cli = builtScript('cli');
  let dir: string;
  let stack: RunningStack;
  let flags: string[];

  beforeAll(async () => {
    ({ dir, stack, flags } = await startTestStack('fanout-rerun-'));
    await mkdir(path.join(dir, 're1'));
    await writeFile(path.join(dir, 're1', 'one.csv'), 'k,v\na,1\n');
    await mkdir(path.join(dir, 're2'));
    await writeFile(path.join(dir, 're2', 'two.csv'), 'k,v\nb,2\n');
    await writeFile(path.join(dir, 're2', '.DS_Store'), 'binary');
    await writeFile(path.join(dir, 're2', 'notes.txt'), 'notes');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the new run', async () => {
    const manifest = ['--batch', 'reup', '--group-by', 'k', '--metrics', 'v', ...flags];
    const first = await runScript(cli, ['upload', path.join(dir, 're1'), ...manifest]);
    expect(first.code).toBe(0);
    const firstRun = startedRun(first.stdout);
    expect(firstRun).toBeDefined();
    expect((await runScript(cli, ['wait', 'reup', '--run', firstRun!, ...flags])).code).toBe(0);

    const second = await runScript(cli, ['upload', path.join(dir, 're2'), ...manifest]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('skipped 2 files that are dotfiles or not .csv, .ndjson or .jsonl');
    expect(second.stderr).toContain("warning: input/reup/ already contains 1 blob not in '");
    const secondRun = startedRun(second.stdout);
    expect(secondRun).toBeDefined();
    expect(secondRun).not.toBe(firstRun);

    const wait = await runScript(cli, ['wait', 'reup', '--run', secondRun!, ...flags]);
    expect(wait.code).toBe(0);
    const result = await runScript(cli, ['result', 'reup', ...flags]);
    expect((JSON.parse(result.stdout) as { runId: string }).runId).toBe(secondRun);
  }, 180_000);
});
