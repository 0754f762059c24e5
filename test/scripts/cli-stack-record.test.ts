import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { azuriteConnectionString } from '../../scripts/src/azurite';
import { apiOptions, DEFAULT_API_URL, storageFor } from '../../scripts/src/cli-context';
import { DATA_CONNECTION, DEFAULT_PORTS, HOST_CONNECTION } from '../../scripts/src/names';
import { StackRecord } from '../../scripts/src/stack';
import { builtScript, expectOneLineError, freePort, REPO_ROOT, runScript } from './run-script';

/** Leaves out the settings that take precedence over stack.json, so that only the flags of a test count. */
const NO_TARGET_ENV = { FANOUT_URL: undefined, [DATA_CONNECTION]: undefined, [HOST_CONNECTION]: undefined };

/** Runs `npm start` and resolves once it has written its stack.json and printed its addresses. */
function startRecordedStack(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [builtScript('start'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString()).slice(-2000);
      if (stdout.includes('Stop: Ctrl-C')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with code ${code}: ${stderr.trim()}`)));
  });
}

/** Returns the id of a process that has exited. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

async function writeRecord(dataDir: string, record: Partial<StackRecord>): Promise<void> {
  await writeFile(path.join(dataDir, 'stack.json'), JSON.stringify(record));
}

describe('CLI on the stack in stack.json', () => {
  const cli = builtScript('cli');
  let dataDir: string;
  let start: ChildProcess;
  let record: StackRecord;
  let closedUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-cli-record-'));
    closedUrl = `http://127.0.0.1:${await freePort()}`;
    const [api, blob, queue, table] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const ports = ['--port', api, '--blob-port', blob, '--queue-port', queue, '--table-port', table].map(String);
    start = await startRecordedStack([...ports, '--data', dataDir]);
    record = JSON.parse(await readFile(path.join(dataDir, 'stack.json'), 'utf8')) as StackRecord;

    await mkdir(path.join(dataDir, 'batch'));
    await writeFile(path.join(dataDir, 'batch', 'one.csv'), 'k,v\na,1\na,3\nb,2\n');
  }, 120_000);

  afterAll(async () => {
    if (start && start.exitCode === null && start.signalCode === null) {
      const exited = new Promise((resolve) => start.once('exit', resolve));
      start.kill('SIGTERM');
      const force = setTimeout(() => start.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(force);
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 40_000);

  it('runs a batch without --url', async () => {
    expect(record.apiUrl).not.toBe(DEFAULT_API_URL);
    const data = ['--data', dataDir];
    const manifest = ['--batch', 'recorded', '--group-by', 'k', '--metrics', 'v'];

    const upload = await runScript(cli, ['upload', path.join(dataDir, 'batch'), ...manifest, ...data], {
      env: NO_TARGET_ENV,
    });
    expect(upload.code).toBe(0);
    expect(upload.stdout).toMatch(/batch recorded started run /);
    const wait = await runScript(cli, ['wait', 'recorded', ...data], { env: NO_TARGET_ENV });
    expect(wait.code).toBe(0);
    const result = await runScript(cli, ['result', 'recorded', ...data], { env: NO_TARGET_ENV });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { batchId: string; status: string; input: { rows: number } };
    expect(summary.batchId).toBe('recorded');
    expect(summary.status).toBe('completed');
    expect(summary.input.rows).toBe(3);
  }, 120_000);

  it('prefers --url to stack.json', async () => {
    const run = await runScript(cli, ['status', 'recorded', '--url', closedUrl, '--data', dataDir], {
      env: NO_TARGET_ENV,
    });
    expectOneLineError(run, new RegExp(`cannot reach the Function App at ${closedUrl}, the URL from --url \\(`));
  });

  it('prefers FANOUT_URL to stack.json', async () => {
    const run = await runScript(cli, ['status', 'recorded', '--data', dataDir], {
      env: { ...NO_TARGET_ENV, FANOUT_URL: closedUrl },
    });
    expectOneLineError(run, new RegExp(`cannot reach the Function App at ${closedUrl}, the URL from FANOUT_URL \\(`));
  });

  it('reaches --url past a live record elsewhere', async () => {
    // The record names this test process, which is alive, and a closed port, so only --url reaches the host.
    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-cli-other-'));
    try {
      await writeRecord(otherDir, { apiUrl: closedUrl, connectionString: '', pid: process.pid });

      const reached = await runScript(cli, ['status', 'no-such-batch', '--url', record.apiUrl, '--data', otherDir], {
        env: NO_TARGET_ENV,
      });
      expectOneLineError(reached, new RegExp(`batch 'no-such-batch' has no run at ${record.apiUrl}:`));

      const recorded = await runScript(cli, ['status', 'no-such-batch', '--data', otherDir], { env: NO_TARGET_ENV });
      expectOneLineError(
        recorded,
        new RegExp(`cannot reach the Function App at ${closedUrl}, the URL from ${otherDir}/stack.json \\(`),
      );
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe('CLI with an unusable stack.json', () => {
  const cli = builtScript('cli');
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fanout-cli-bad-record-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects malformed JSON', async () => {
    await writeFile(path.join(dataDir, 'stack.json'), '{"apiUrl": "http://127.0.0.1:');

    const run = await runScript(cli, ['status', 'b1', '--data', dataDir], { env: NO_TARGET_ENV });

    expectOneLineError(
      run,
      new RegExp(
        `^error: ${dataDir}/stack.json is not valid JSON \\(.*\\): start the stack with 'npm start'.*or pass --url$`,
      ),
    );
    expect(run.code).toBe(1);
  });

  it('rejects malformed JSON for storage', async () => {
    await writeFile(path.join(dataDir, 'stack.json'), 'not json');

    const run = await runScript(cli, ['result', 'b1', '--data', dataDir], { env: NO_TARGET_ENV });

    expectOneLineError(run, new RegExp(`${dataDir}/stack.json is not valid JSON .*or pass --connection-string$`));
    expect(run.code).toBe(1);
  });

  it('rejects a record without a pid', async () => {
    await writeRecord(dataDir, { apiUrl: 'http://127.0.0.1:1' });

    const run = await runScript(cli, ['status', 'b1', '--data', dataDir], { env: NO_TARGET_ENV });

    expectOneLineError(run, new RegExp(`${dataDir}/stack.json is not a stack record .*'npm start'.*or pass --url$`));
    expect(run.code).toBe(1);
  });

  it('rejects an unreadable stack.json', async () => {
    await mkdir(path.join(dataDir, 'stack.json'));

    const run = await runScript(cli, ['status', 'b1', '--data', dataDir], { env: NO_TARGET_ENV });

    expectOneLineError(run, new RegExp(`cannot read ${dataDir}/stack.json \\(EISDIR\\): start the stack`));
    expect(run.code).toBe(1);
  });

  // These call the resolution directly, because running a command would send its requests to the default ports.
  it('falls back to the default URL on a stopped stack', async () => {
    const pid = exitedPid();
    await writeRecord(dataDir, { apiUrl: 'http://127.0.0.1:1', connectionString: '', pid });

    const api = await apiOptions({ data: dataDir });

    expect(api.url).toBe(DEFAULT_API_URL);
    expect(api.origin).toBe(`the default URL because the stack in ${dataDir}/stack.json has stopped (pid ${pid})`);
  });

  it('falls back to default Azurite on a stopped stack', async () => {
    const connectionString = azuriteConnectionString(1, 1, 1);
    await writeRecord(dataDir, { apiUrl: 'http://127.0.0.1:1', connectionString, pid: exitedPid() });
    const saved = { data: process.env[DATA_CONNECTION], host: process.env[HOST_CONNECTION] };
    delete process.env[DATA_CONNECTION];
    delete process.env[HOST_CONNECTION];
    try {
      const storage = await storageFor({ data: dataDir });

      expect(storage.endpoint).toBe(`http://127.0.0.1:${DEFAULT_PORTS.blob}/devstoreaccount1`);
    } finally {
      if (saved.data !== undefined) process.env[DATA_CONNECTION] = saved.data;
      if (saved.host !== undefined) process.env[HOST_CONNECTION] = saved.host;
    }
  });
});
