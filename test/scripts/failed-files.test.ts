import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RunningStack } from '../../scripts/src/stack';
import { builtScript, runScript, startTestStack } from './run-script';

describe('wait and result with failed files', () => {
  const cli = builtScript('cli');
  let dir: string;
  let stack: RunningStack;
  let flags: string[];

  beforeAll(async () => {
    ({ dir, stack, flags } = await startTestStack('fanout-failed-'));
    const input = path.join(dir, 'input');
    await mkdir(input);
    await writeFile(path.join(input, 'good.csv'), 'k,v\na,1\n');
    // The app reads only CSV and NDJSON files, so each .bin file fails as a whole.
    for (let i = 1; i <= 6; i++) await writeFile(path.join(input, `bad-${i}.bin`), 'binary');
    const manifest = ['--group-by', 'k', '--metrics', 'v', '--tolerated-failure-percentage', '100'];
    const upload = await runScript(cli, ['upload', input, '--batch', 'fails', '--all-files', ...manifest, ...flags]);
    expect(upload.code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('wait prints the first failures', async () => {
    const run = await runScript(cli, ['wait', 'fails', ...flags]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^batch fails ended as Completed \(batch completed\)/);
    expect(lines[1]).toBe('input: 1 file, 1 row, 0 rejected');
    expect(lines[2]).toBe('6 files failed:');
    const shown = lines.filter((line) => /^ {2}bad-\d\.bin: \S+: \S/.test(line));
    expect(shown).toHaveLength(5);
    expect(lines).toContain('full list: results/fails/failed.jsonl, 1 more');
    expect(lines[lines.length - 1]).toBe(
      '6 of the failures (unreadable) come from the manifest, which a redrive reuses: fix the manifest, then upload ' +
        `the batch again with: npm run cli -- upload DIR --batch fails ${flags[0]} ${flags[1]} --connection-string CONNECTION_STRING`,
    );
    expect(run.stdout).not.toContain('redrive fails');
  }, 120_000);

  it('result prints the failures to stderr', async () => {
    const run = await runScript(cli, ['result', 'fails', ...flags]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { failedBlobs: number }).failedBlobs).toBe(6);
    expect(run.stderr).toContain('6 files failed:\n  bad-1.bin: ');
    expect(run.stderr).toContain('full list: results/fails/failed.jsonl, 1 more');
    expect(run.stderr).toContain('come from the manifest');
  }, 60_000);

  it('redrives a file fixed with --data-only', async () => {
    const input = path.join(dir, 'fixable');
    await mkdir(input);
    await writeFile(path.join(input, 'good.csv'), 'k,v\na,1\n');
    await writeFile(path.join(input, 'bad.csv'), 'k,v\n"b,2\n');
    const manifest = ['--group-by', 'k', '--metrics', 'v', '--tolerated-failure-percentage', '100'];
    expect((await runScript(cli, ['upload', input, '--batch', 'fixable', ...manifest, ...flags])).code).toBe(0);
    const first = await runScript(cli, ['wait', 'fixable', ...flags]);
    expect(first.stdout).toContain('  bad.csv: parse: ');
    expect(first.stdout).toContain('npm run cli -- upload DIR --batch fixable --data-only');
    expect(first.stdout).toContain('reprocess only the failed files with: npm run cli -- redrive fixable');

    const fixed = path.join(dir, 'fixed');
    await mkdir(fixed);
    await writeFile(path.join(fixed, 'bad.csv'), 'k,v\nb,2\n');
    const upload = await runScript(cli, ['upload', fixed, '--batch', 'fixable', '--data-only', ...flags]);
    expect(upload.code).toBe(0);
    expect((await runScript(cli, ['redrive', 'fixable', ...flags])).code).toBe(0);
    const second = await runScript(cli, ['wait', 'fixable', ...flags]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('input: 2 files, 2 rows, 0 rejected');
    const result = JSON.parse((await runScript(cli, ['result', 'fixable', ...flags])).stdout) as {
      failedBlobs: number;
      groups: unknown[];
    };
    expect(result.failedBlobs).toBe(0);
    expect(result.groups).toHaveLength(2);
  }, 180_000);
});
