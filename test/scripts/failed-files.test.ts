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
    expect(lines[1]).toBe('6 files failed:');
    const shown = lines.filter((line) => /^ {2}bad-\d\.bin: \S+: \S/.test(line));
    expect(shown).toHaveLength(5);
    expect(lines).toContain('full list: results/fails/failed.jsonl, 1 more');
    expect(lines[lines.length - 1]).toBe('reprocess only the failed files with: npm run cli -- redrive fails');
  }, 120_000);

  it('result prints the failures to stderr', async () => {
    const run = await runScript(cli, ['result', 'fails', ...flags]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { failedBlobs: number }).failedBlobs).toBe(6);
    expect(run.stderr).toContain('6 files failed:\n  bad-1.bin: ');
    expect(run.stderr).toContain('full list: results/fails/failed.jsonl, 1 more');
    expect(run.stderr).toContain('npm run cli -- redrive fails');
  }, 60_000);
});
