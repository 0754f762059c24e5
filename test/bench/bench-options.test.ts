import { builtScript, expectOneLineError, runScript } from '../scripts/run-script';

describe('bench --workers', () => {
  const bench = builtScript('bench/index');

  it.each(['0', '11', '1.5', '1,,2', 'two'])('rejects %s before starting anything', async (value) => {
    const run = await runScript(bench, ['--workers', value], { timeoutMs: 10_000 });
    expectOneLineError(run, /--workers <list>.*use whole numbers from 1 to 10, separated by commas/);
  });

  it('rejects a repeated count', async () => {
    const run = await runScript(bench, ['--workers', '2,2'], { timeoutMs: 10_000 });
    expectOneLineError(run, /list each worker count once/);
  });

  it('describes the option in --help', async () => {
    const run = await runScript(bench, ['--help'], { timeoutMs: 10_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--workers <list>\s+comma-separated app worker thread counts, 1 to 10/);
  });
});
