import net from 'node:net';
import { Writable } from 'node:stream';
import { BatchView, requestJson } from '../../scripts/src/api';
import { requireBatchStatus } from '../../scripts/src/batches';
import { batchExitCode, formatProgress, waitForBatch } from '../../scripts/src/wait';
import { Reply, scriptedApi } from './scripted-api';

function view(runtimeStatus: string, extra: Partial<BatchView> = {}): BatchView {
  return { batchId: 'b1', instanceId: 'batch-b1', runtimeStatus, progress: null, ...extra };
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as NodeJS.WriteStream;
const serverError: Reply = { status: 500, body: { error: 'Function "batchesApi" failed: see the host log' } };

describe('waitForBatch', () => {
  it('outlasts brief server errors', async () => {
    const api = await scriptedApi([
      { status: 200, body: view('Running') },
      serverError,
      serverError,
      { status: 200, body: view('Completed', { status: 'completed' }) },
    ]);
    try {
      const final = await waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream: silent });
      expect(final.runtimeStatus).toBe('Completed');
      expect(api.requests()).toBe(4);
    } finally {
      await api.close();
    }
  });

  it('fails after six server errors in a row', async () => {
    const api = await scriptedApi([serverError]);
    try {
      const waiting = waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream: silent });
      await expect(waiting).rejects.toThrow("reading batch 'b1' failed with HTTP 500");
      expect(api.requests()).toBe(6);
    } finally {
      await api.close();
    }
  });

  it('waits for a batch that has not started', async () => {
    const notFound: Reply = { status: 404, body: { error: 'Batch b1 has no run' } };
    const api = await scriptedApi([notFound, notFound, { status: 200, body: view('Failed') }]);
    try {
      const final = await waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream: silent });
      expect(final.runtimeStatus).toBe('Failed');
    } finally {
      await api.close();
    }
  });

  it('gives up on a batch that never starts', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'Batch b1 has no run' } }]);
    try {
      const waiting = waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, startTimeoutMs: 50, stream: silent });
      await expect(waiting).rejects.toThrow("batch 'b1' did not start within");
    } finally {
      await api.close();
    }
  });

  it('times out on a batch that never starts', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'Batch b1 has no run' } }]);
    try {
      const waiting = waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, startTimeoutMs: 50, stream: silent });
      await expect(waiting).rejects.toMatchObject({ exitCode: 3 });
    } finally {
      await api.close();
    }
  });

  it('prints the time waited for the start', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'Batch b1 has no run' } }]);
    const output = collected();
    try {
      const waiting = waitForBatch({ url: api.url }, 'b1', {
        intervalMs: 10,
        startTimeoutMs: 150,
        stream: output.stream,
      });
      await expect(waiting).rejects.toThrow('did not start');
      const lines = output.text().trimEnd().split('\n');
      expect(lines[0]).toBe('waiting for the batch to start | 0.0 s');
      const waited = Number(/\| ([\d.]+) s$/.exec(lines[lines.length - 1])?.[1]);
      expect(waited).toBeGreaterThanOrEqual(0.1);
    } finally {
      await api.close();
    }
  });
});

/** Collects what is written to a stream that is not a terminal, as a pipe or file is. */
function collected(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

/** Collects what is written to a stream that reports itself as a terminal of the given width. */
function terminal(columns: number): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY: true, columns, write: (chunk: string) => (text += chunk) };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progress line on a terminal', () => {
  const completed: Reply = { status: 200, body: view('Completed', { status: 'completed' }) };

  it('writes the whole line when the width is unknown', async () => {
    const api = await scriptedApi([completed]);
    const output = terminal(0);
    try {
      await waitForBatch({ url: api.url }, 'b1', { stream: output.stream });
      const text = output.text();
      expect(text).toBe('\rCompleted\x1b[K\n');
    } finally {
      await api.close();
    }
  });

  it('clips the line to the terminal width', async () => {
    const api = await scriptedApi([completed]);
    const output = terminal(8);
    try {
      await waitForBatch({ url: api.url }, 'b1', { stream: output.stream });
      expect(output.text()).toBe('\rComplet\x1b[K\n');
    } finally {
      await api.close();
    }
  });
});

describe('batchExitCode', () => {
  it.each([
    ['completed batch', 0, view('Completed', { status: 'completed' })],
    ['failed batch of a completed run', 1, view('Completed', { status: 'failed' })],
    ['failed run', 1, view('Failed')],
    ['terminated run', 2, view('Terminated')],
    ['canceled run', 2, view('Canceled')],
  ])('maps a %s to %d', (_label, code, batch) => {
    expect(batchExitCode(batch)).toBe(code);
  });
});

describe('formatProgress', () => {
  it('shows files, failures and rows per second', () => {
    const progress = { phase: 'mapping', total: 182, done: 40, failed: 1, rows: 600000 };
    expect(formatProgress(view('Running', { progress }), 10_000, 60_000)).toBe(
      'Running | mapping | 40/182 files done, 1 failed | 60,000 rows/s | 10.0 s',
    );
  });

  it('shows the figures of an ended run', () => {
    const progress = { phase: 'done', total: 1, done: 1, failed: 0, rows: 6 };
    const times = { createdTime: '2026-01-01T00:00:00.000Z', lastUpdatedTime: '2026-01-01T00:00:00.300Z' };
    expect(formatProgress(view('Completed', { progress, ...times }), 0, 19)).toBe(
      'Completed | done | 1/1 files done, 0 failed | 6 rows in 0.3 s (20 rows/s)',
    );
  });

  it('shows no wait time for an ended run', () => {
    expect(formatProgress(view('Terminated'), 5000)).toBe('Terminated');
  });

  it('shows a batch that has not started', () => {
    expect(formatProgress(undefined, 1500)).toBe('waiting for the batch to start | 1.5 s');
  });
});

describe('wait for one run', () => {
  it('skips the previous run', async () => {
    const api = await scriptedApi([
      { status: 200, body: view('Completed', { runId: 'r1', manifestEtag: 'old', status: 'completed' }) },
      { status: 200, body: view('Running', { runId: 'r2', manifestEtag: 'new' }) },
      { status: 200, body: view('Completed', { runId: 'r2', manifestEtag: 'new', status: 'completed' }) },
    ]);
    try {
      const final = await waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream: silent, manifestEtag: 'new' });
      expect(final.runId).toBe('r2');
      expect(api.requests()).toBe(3);
    } finally {
      await api.close();
    }
  });

  it('follows a run by id', async () => {
    const api = await scriptedApi([
      { status: 200, body: view('Completed', { runId: 'r1', status: 'completed' }) },
      { status: 200, body: view('Completed', { runId: 'r2', status: 'completed' }) },
    ]);
    try {
      const final = await waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream: silent, runId: 'r2' });
      expect(final.runId).toBe('r2');
      expect(api.requests()).toBe(2);
    } finally {
      await api.close();
    }
  });
});

describe('wait for a run that another run replaced', () => {
  it('fails once the run is replaced', async () => {
    const api = await scriptedApi([
      { status: 200, body: view('Running', { runId: 'r1', manifestEtag: 'e1' }) },
      { status: 200, body: view('Completed', { runId: 'r2', manifestEtag: 'e1', status: 'completed' }) },
    ]);
    try {
      const waiting = waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream: silent, runId: 'r1' });
      await expect(waiting).rejects.toMatchObject({
        exitCode: 3,
        message:
          "batch 'b1' no longer shows run r1: its current run is run r2 (manifest ETag e1, Completed), so run r1 " +
          "ended or was replaced before run r2 started; see it with 'npm run cli -- status b1' or " +
          "'npm run cli -- result b1'",
      });
      expect(api.requests()).toBe(2);
    } finally {
      await api.close();
    }
  });

  it('names the current run at timeout', async () => {
    const api = await scriptedApi([{ status: 200, body: view('Running', { runId: 'r2', manifestEtag: 'e2' }) }]);
    try {
      const options = { intervalMs: 10, startTimeoutMs: 50, stream: silent, runId: 'r1' };
      await expect(waitForBatch({ url: api.url }, 'b1', options)).rejects.toMatchObject({
        exitCode: 3,
        message:
          "batch 'b1' no longer shows run r1: its current run is run r2 (manifest ETag e2, Running), so run r1 " +
          "ended or was replaced before run r2 started; follow it with 'npm run cli -- wait b1 --run r2'",
      });
    } finally {
      await api.close();
    }
  });
});

describe('wait on an ended batch', () => {
  it('reports the run rate', async () => {
    const progress = { phase: 'done', total: 60, done: 60, failed: 0, rows: 6_000_000 };
    const times = { createdTime: '2026-01-01T00:00:00Z', lastUpdatedTime: '2026-01-01T00:01:00Z' };
    const api = await scriptedApi([{ status: 200, body: view('Completed', { progress, ...times }) }]);
    let output = '';
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        output += chunk.toString();
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    try {
      await waitForBatch({ url: api.url }, 'b1', { intervalMs: 10, stream });
      expect(output).toBe(
        'Completed | done | 60/60 files done, 0 failed | 6,000,000 rows in 60.0 s (100,000 rows/s)\n',
      );
    } finally {
      await api.close();
    }
  });
});

describe('API messages', () => {
  it('calls a slow host busy', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const request = requestJson({ url }, 'GET', `${url}/api/batches/b1`, undefined, 300);
      await expect(request).rejects.toThrow(
        `GET /api/batches/b1 timed out: the server at ${url} accepted the connection but did not respond within ` +
          '0.3 s; if it is the Function App, it is busy, so retry the command later',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('ends a wait on a silent server at --timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const started = Date.now();
    try {
      const wait = waitForBatch({ url }, 'b1', { timeoutMs: 1500, intervalMs: 10, stream: collected().stream });
      await expect(wait).rejects.toMatchObject({ exitCode: 3 });
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);

  it('names a purged batch', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'Batch b1 has no run' } }]);
    try {
      await expect(requireBatchStatus({ url: api.url }, 'b1')).rejects.toThrow(
        `batch 'b1' has no run at ${api.url}: its history was purged or it never started; start a new run on its uploaded input with 'npm run cli -- start b1'`,
      );
    } finally {
      await api.close();
    }
  });
});
