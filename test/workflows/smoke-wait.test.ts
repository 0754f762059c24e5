import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands } from './support/commands';

const SMOKE = join(__dirname, '..', '..', 'scripts', 'smoke', 'smoke.sh');
const KEY = 'function-key-1';
const SYSTEM_KEY = 'system-key-2';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: string;
}

/**
 * A stand-in for the deployed app on 127.0.0.1. `GET /api/batches/<id>` returns 404 for the first `notStartedFor`
 * requests, then the batch view with the instance id. The management API status URL then reports each of `statuses`
 * in turn, repeating the last.
 */
class FakeApp {
  readonly requests: string[] = [];
  private server: Server | undefined;
  private statusCalls = 0;

  constructor(
    private readonly statuses: string[],
    private readonly notStartedFor = 1,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private nextStatus(): string {
    const runtimeStatus = this.statuses[Math.min(this.statusCalls, this.statuses.length - 1)];
    this.statusCalls += 1;
    return runtimeStatus;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    this.requests.push(url.pathname);
    response.setHeader('content-type', 'application/json');

    if (url.pathname === '/api/batches/b1') {
      if (request.headers['x-functions-key'] !== KEY) {
        response.writeHead(401).end('{}');
      } else if (this.requests.length <= this.notStartedFor) {
        response.writeHead(404).end('{"error":"not found"}');
      } else {
        const view = { batchId: 'b1', instanceId: 'batch-b1', runtimeStatus: this.nextStatus() };
        response.writeHead(200).end(JSON.stringify(view));
      }
      return;
    }

    if (url.pathname === '/runtime/webhooks/durabletask/instances/batch-b1') {
      if (url.searchParams.get('code') !== SYSTEM_KEY) {
        response.writeHead(401).end('{}');
        return;
      }
      const body = { instanceId: 'batch-b1', runtimeStatus: this.nextStatus(), customStatus: { done: 1, total: 3 } };
      response.writeHead(200).end(JSON.stringify(body));
      return;
    }
    response.writeHead(404).end('{}');
  }
}

async function runWait(baseUrl: string, timeoutSeconds: number, systemKey = SYSTEM_KEY): Promise<RunResult> {
  const folder = mkdtempSync(join(tmpdir(), 'smoke-'));
  const outputFile = join(folder, 'outputs');
  const env = {
    PATH: process.env.PATH,
    BATCH_ID: 'b1',
    FUNCTION_BASE_URL: baseUrl,
    FUNCTION_KEY: KEY,
    DURABLE_SYSTEM_KEY: systemKey,
    SMOKE_TIMEOUT_SECONDS: String(timeoutSeconds),
    SMOKE_POLL_SECONDS: '0.1',
    GITHUB_OUTPUT: outputFile,
  };

  const result = await new Promise<RunResult>((resolve) => {
    execFile('bash', [SMOKE, 'wait'], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) {
        code = typeof error.code === 'number' ? error.code : -1;
      }
      let outputs = '';
      try {
        outputs = readFileSync(outputFile, 'utf8');
      } catch {
        // No step output was written.
      }
      resolve({ code, stdout, stderr, outputs });
    });
  });
  rmSync(folder, { recursive: true, force: true });
  return result;
}

beforeAll(() => requireCommands(['bash', 'curl', 'jq']));

describe('smoke wait', () => {
  let app: FakeApp;

  afterEach(async () => {
    await app.stop();
  });

  it('follows the management API to completion', async () => {
    app = new FakeApp(['Pending', 'Running', 'Completed']);
    const baseUrl = await app.start();

    const result = await runWait(baseUrl, 20);

    expect(result.code).toBe(0);
    expect(result.outputs).toBe('runtime-status=Completed\n');
    expect(app.requests.filter((path) => path.startsWith('/runtime/'))).toHaveLength(2);
  });

  it('polls the batch route without system key', async () => {
    app = new FakeApp(['Pending', 'Running', 'Completed']);
    const baseUrl = await app.start();

    const result = await runWait(baseUrl, 20, '');

    expect(result.code).toBe(0);
    expect(app.requests.filter((path) => path.startsWith('/runtime/'))).toEqual([]);
  });

  it('never prints the system key', async () => {
    app = new FakeApp(['Running', 'Completed']);
    const baseUrl = await app.start();

    const result = await runWait(baseUrl, 20);

    expect(result.stdout + result.stderr).not.toContain(SYSTEM_KEY);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('fails on a failed orchestration', async () => {
    app = new FakeApp(['Running', 'Failed']);
    const baseUrl = await app.start();

    const result = await runWait(baseUrl, 20);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ended Failed');
    expect(result.outputs).toBe('runtime-status=Failed\n');
  });

  it('fails on timeout', async () => {
    app = new FakeApp(['Running']);
    const baseUrl = await app.start();

    const result = await runWait(baseUrl, 2);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('timed out after 2s');
    expect(result.outputs).toBe('runtime-status=TimedOut\n');
  });

  it('times out when no run starts', async () => {
    app = new FakeApp(['Completed'], 1_000_000);
    const baseUrl = await app.start();

    const result = await runWait(baseUrl, 2);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('last: HTTP 404');
  });
});
