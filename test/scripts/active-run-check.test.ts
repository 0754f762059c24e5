import { assertNoActiveRun } from '../../scripts/src/cli-commands';
import { Reply, scriptedApi } from './scripted-api';

const serverError: Reply = { status: 500, body: { error: 'The app worker stopped before it replied' } };
const running: Reply = { status: 200, body: { batchId: 'b1', instanceId: 'batch-b1', runtimeStatus: 'Running' } };
const completed: Reply = { status: 200, body: { batchId: 'b1', instanceId: 'batch-b1', runtimeStatus: 'Completed' } };

describe('active run check before an upload', () => {
  it('retries server errors, then sees the run', async () => {
    const api = await scriptedApi([serverError, serverError, running]);
    try {
      await expect(assertNoActiveRun({ url: api.url }, 'b1', { retryDelayMs: 10 })).rejects.toThrow(
        "batch 'b1' has an active run",
      );
      expect(api.requests()).toBe(3);
    } finally {
      await api.close();
    }
  });

  it('names the data files for a data-only upload', async () => {
    const api = await scriptedApi([running]);
    try {
      await expect(assertNoActiveRun({ url: api.url }, 'b1', { dataOnly: true })).rejects.toThrow(
        "batch 'b1' has an active run (Running), and the run may read data files uploaded during it",
      );
    } finally {
      await api.close();
    }
  });

  it('passes an ended run after a server error', async () => {
    const api = await scriptedApi([serverError, completed]);
    try {
      await expect(assertNoActiveRun({ url: api.url }, 'b1', { retryDelayMs: 10 })).resolves.toEqual(completed.body);
      expect(api.requests()).toBe(2);
    } finally {
      await api.close();
    }
  });

  it('fails after three server errors', async () => {
    const api = await scriptedApi([serverError]);
    try {
      await expect(assertNoActiveRun({ url: api.url }, 'b1', { retryDelayMs: 10 })).rejects.toThrow(
        "reading batch 'b1' failed with HTTP 500",
      );
      expect(api.requests()).toBe(3);
    } finally {
      await api.close();
    }
  });
});
