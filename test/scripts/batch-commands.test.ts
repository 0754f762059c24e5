import { spawn } from 'node:child_process';
import { builtScript, REPO_ROOT, runScript } from './run-script';
import { Reply, scriptedApi } from './scripted-api';

const cli = builtScript('cli');

function view(runtimeStatus: string, extra: Record<string, unknown> = {}): Reply {
  return { status: 200, body: { batchId: 'race', instanceId: 'batch-race', runtimeStatus, progress: null, ...extra } };
}

const payload = {
  id: 'batch-race',
  statusQueryGetUri: 'http://127.0.0.1/runtime/webhooks/durabletask/instances/batch-race',
  sendEventPostUri: 'http://127.0.0.1/runtime/webhooks/durabletask/instances/batch-race/raiseEvent/{eventName}',
  terminatePostUri: 'http://127.0.0.1/runtime/webhooks/durabletask/instances/batch-race/terminate',
  purgeHistoryDeleteUri: 'http://127.0.0.1/runtime/webhooks/durabletask/instances/batch-race',
};

describe('batch commands', () => {
  it('redrive conflict names CLI commands', async () => {
    const conflict =
      'Batch race is running as instance batch-race: wait for it to finish or terminate it with ' +
      'POST /api/batches/race/terminate';
    const api = await scriptedApi([view('Running'), { status: 409, body: { error: conflict } }]);
    try {
      const run = await runScript(cli, ['redrive', 'race', '--url', api.url]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `error: redrive of batch 'race' failed with HTTP 409: Batch race is running as instance batch-race: ` +
          `wait for it with 'npm run cli -- wait race --url ${api.url}' or stop it with ` +
          `'npm run cli -- terminate race --url ${api.url}'`,
      );
    } finally {
      await api.close();
    }
  });

  it('redrive without a completed run suggests start', async () => {
    const missing = 'Batch race has no previous run with results to redrive: start it with POST first';
    const api = await scriptedApi([view('Terminated'), { status: 404, body: { error: missing } }]);
    try {
      const run = await runScript(cli, ['redrive', 'race', '--url', api.url]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`start it with 'npm run cli -- start race --url ${api.url}'`);
      expect(run.stderr).not.toContain('POST');
    } finally {
      await api.close();
    }
  });

  it('start prints run and wait', async () => {
    const api = await scriptedApi([{ status: 202, body: payload }, view('Running', { runId: 'r5' })]);
    try {
      const run = await runScript(cli, ['start', 'race', '--url', api.url]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `started run r5 of batch race; follow it with: npm run cli -- wait race --run r5 --url ${api.url}\n`,
      );
    } finally {
      await api.close();
    }
  });

  it('start --json prints the management URLs', async () => {
    const api = await scriptedApi([{ status: 202, body: payload }]);
    try {
      const run = await runScript(cli, ['start', 'race', '--json', '--url', api.url]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(payload);
    } finally {
      await api.close();
    }
  });

  it('redrive prints run and wait', async () => {
    const api = await scriptedApi([
      view('Completed', { runId: 'r5' }),
      { status: 202, body: payload },
      view('Running', { runId: 'r6', mode: 'redrive' }),
    ]);
    try {
      const run = await runScript(cli, ['redrive', 'race', '--url', api.url]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `started run r6 of batch race to reprocess its failed files; follow it with: ` +
          `npm run cli -- wait race --run r6 --url ${api.url}\n`,
      );
    } finally {
      await api.close();
    }
  });

  it('wait on SIGINT keeps batch running', async () => {
    const api = await scriptedApi([view('Running', { runId: 'r7' })]);
    try {
      const child = spawn(process.execPath, [cli, 'wait', 'race', '--interval', '0.1', '--url', api.url], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const shown = new Promise<void>((resolve) =>
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('Running')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await shown;
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr.trimEnd().split('\n').pop()).toBe(
        `stopped waiting; batch race keeps running: follow it again with ` +
          `'npm run cli -- wait race --run r7 --url ${api.url}'`,
      );
    } finally {
      await api.close();
    }
  });
});
