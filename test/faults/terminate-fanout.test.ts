/**
 * Terminate through the batch API while chunk sub-orchestrations map files: the run and its chunks stop, no
 * activity is scheduled afterwards, no result is written, and purge removes every instance of the batch.
 */
import {
  blobExists,
  openTaskHub,
  pause,
  requestJson,
  taskHubActivities,
  taskHubInstances,
  waitFor,
  waitForBatchEnd,
} from './support/batch-api';
import { groupStarts } from '../../functions/src/batch/map-groups';
import { DEFAULT_MAP_GROUP_BYTES, DEFAULT_MAP_GROUP_FILES } from '../../functions/src/settings';
import { FaultStack, startFaultStack } from './support/fault-stack';
import { SALES_MANIFEST, salesFiles, uploadSalesBatch } from './support/sales-batch';

const FILE_COUNT = 200;
const CHUNK_SIZE = 20;
const FILES = salesFiles(FILE_COUNT, 1000);
/** Map activities of the whole batch: the files of each chunk split into groups with the default limits. */
const MAP_ACTIVITIES = Array.from({ length: FILE_COUNT / CHUNK_SIZE }, (_, chunk) => {
  const sizes = FILES.slice(chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE).map((file) =>
    Buffer.byteLength(file.content),
  );
  return groupStarts(sizes, { files: DEFAULT_MAP_GROUP_FILES, bytes: DEFAULT_MAP_GROUP_BYTES }).length;
}).reduce((sum, groups) => sum + groups, 0);

describe('terminate during the fan-out', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack('terminate');
  });

  afterAll(() => stack?.stop());

  const batchInstances = () =>
    taskHubInstances(stack.dataDir).filter((row) => row.instance_id.startsWith('batch-stop'));

  it('stops the run and its chunks and writes no result', async () => {
    await uploadSalesBatch(stack.blobs, 'stop', FILES, {
      ...SALES_MANIFEST,
      chunkSize: CHUNK_SIZE,
    });
    const progress = await waitFor(async () => {
      const view = await requestJson(stack.host.url, 'GET', '/api/batches/stop');
      const found = view.body.progress as { phase?: string; done?: number } | undefined;
      return found?.phase === 'mapping' && (found.done ?? 0) > 0 ? found : undefined;
    }, 'the batch to map its first files');

    const response = await requestJson(
      stack.host.url,
      'POST',
      '/api/batches/stop/terminate',
      '{"reason":"fault test"}',
    );
    const terminatedAt = Date.now();
    const view = await waitForBatchEnd(() => stack.host.url, 'stop');
    const settled = await waitFor(async () => {
      const rows = batchInstances();
      return rows.every((row) => !['Pending', 'Running'].includes(row.status)) ? rows : undefined;
    }, 'every chunk of the batch to end');
    const activitiesAtEnd = taskHubActivities(stack.dataDir, 'batch-stop').length;
    await pause(3000);
    const activities = taskHubActivities(stack.dataDir, 'batch-stop');

    const late = activities.filter((row) => row.scheduled_at > terminatedAt);
    const maps = activities.filter((row) => row.name === 'mapBlob' && row.status === 'Completed');
    process.stdout.write(
      `terminated at ${JSON.stringify(progress)}: ${maps.length} of ${MAP_ACTIVITIES} map activities completed, ` +
        `${activities.length} activity calls, ${late.length} scheduled after the terminate, ` +
        `chunk states ${JSON.stringify(settled.map((row) => row.status))}\n`,
    );
    expect(response.status).toBe(202);
    const ids = response.body.terminated as string[];
    expect(ids[0]).toBe('batch-stop');
    expect(ids.filter((id) => id.startsWith('batch-stop:chunk-')).length).toBeGreaterThan(0);
    expect(view.runtimeStatus).toBe('Terminated');
    expect(settled.filter((row) => ids.includes(row.instance_id) && row.status !== 'Terminated')).toEqual([]);
    expect(late).toEqual([]);
    expect(activities).toHaveLength(activitiesAtEnd);
    expect(activities.filter((row) => ['Scheduled', 'Running'].includes(row.status))).toEqual([]);
    expect(maps.length).toBeLessThan(MAP_ACTIVITIES);
    expect(await blobExists(stack.blobs, 'results', 'stop/summary.json')).toBe(false);
    expect(view.status).toBe('failed');
    expect(view.result).toBeUndefined();
    expect(String(view.error)).toContain('fault test');
  });

  it('stays stopped after a host restart', async () => {
    const before = { instances: batchInstances(), activities: taskHubActivities(stack.dataDir, 'batch-stop') };

    await stack.restartHost();
    await pause(3000);

    expect(batchInstances()).toEqual(before.instances);
    expect(taskHubActivities(stack.dataDir, 'batch-stop')).toEqual(before.activities);
    expect((await requestJson(stack.host.url, 'GET', '/api/batches/stop')).body.runtimeStatus).toBe('Terminated');
  });

  it('purge removes the run and its chunks from the task hub', async () => {
    const chunkCount = batchInstances().length - 1;

    const response = await requestJson(stack.host.url, 'DELETE', '/api/batches/stop');

    expect(response.status).toBe(200);
    expect(response.body.instancesDeleted).toBe(1 + chunkCount);
    expect(batchInstances()).toEqual([]);
    expect(taskHubActivities(stack.dataDir, 'batch-stop')).toEqual([]);
    const db = openTaskHub(stack.dataDir);
    try {
      const history = db.prepare("SELECT COUNT(*) AS n FROM history WHERE instance_id LIKE 'batch-stop%'").get();
      expect(history).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    expect((await requestJson(stack.host.url, 'GET', '/api/batches/stop')).status).toBe(404);
  });
});
