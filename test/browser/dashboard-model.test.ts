import { activityItems, activityLabel, typedErrorMessage } from '../../host/src/dashboard/activity-fields';
import { batchFileNamer } from '../../host/src/dashboard/batch-file-names';
import { batchIdOf, groupBatches } from '../../host/src/dashboard/batches';
import { withLiveProgress } from '../../host/src/dashboard/live-progress';
import { ActivityRecord, OrchestrationRecord } from '../../host/src/dashboard/records';
import { buildThroughput } from '../../host/src/dashboard/throughput';
import { activityBars, buildTimeline } from '../../host/src/dashboard/timeline';

const ORIGIN = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(ORIGIN + ms).toISOString();

function activity(fields: Partial<ActivityRecord> & { start?: number; end?: number }): ActivityRecord {
  const { start = 0, end, ...rest } = fields;
  return {
    instanceId: 'batch-a',
    name: 'mapBlob',
    input: { blobName: 'a.csv' },
    status: end === undefined ? 'running' : 'completed',
    scheduledAt: ORIGIN,
    startedAt: ORIGIN + start,
    completedAt: end === undefined ? null : ORIGIN + end,
    result: { ok: true, rows: 10 },
    failure: null,
    ...rest,
  };
}

function instance(instanceId: string, fields: Partial<OrchestrationRecord> = {}): OrchestrationRecord {
  return {
    instanceId,
    name: 'batchOrchestrator',
    runtimeStatus: 'Running',
    parentInstanceId: null,
    createdTime: at(0),
    lastUpdatedTime: at(0),
    customStatus: null,
    output: null,
    ...fields,
  };
}

describe('timeline', () => {
  it('keeps one bar per attempt up to the limit', () => {
    const activities = Array.from({ length: 12 }, (_, index) => activity({ start: index, end: index + 5 }));
    const { originMs, bars } = activityBars(activities);
    const timeline = buildTimeline(bars, originMs, ORIGIN + 100, 600);

    expect(timeline.aggregated).toBe(false);
    expect(timeline.bars).toHaveLength(12);
    expect(timeline.spanMs).toBe(16);
  });

  it('aggregates attempts beyond the limit into rows', () => {
    const activities = Array.from({ length: 1000 }, (_, index) =>
      activity({
        start: index,
        end: index + 10,
        result: index === 7 ? { ok: false, kind: 'parse', message: 'x' } : {},
      }),
    );
    const { originMs, bars } = activityBars(activities);
    const timeline = buildTimeline(bars, originMs, ORIGIN, 300);

    expect(timeline.aggregated).toBe(true);
    expect(timeline.bars).toHaveLength(250);
    expect(timeline.bars.reduce((sum, bar) => sum + bar.count, 0)).toBe(1000);
    expect(timeline.bars.reduce((sum, bar) => sum + bar.failed, 0)).toBe(1);
    expect(timeline.bars[1].status).toBe('failed');
  });

  it('measures the maximum concurrency', () => {
    const activities = [
      activity({ start: 0, end: 10 }),
      activity({ start: 5, end: 15 }),
      activity({ start: 20, end: 30 }),
    ];
    const { originMs, bars } = activityBars(activities);

    expect(buildTimeline(bars, originMs, ORIGIN, 600).maxConcurrency).toBe(2);
  });

  it('extends running bars to now', () => {
    const { originMs, bars } = activityBars([activity({ start: 5 })]);

    expect(buildTimeline(bars, originMs, ORIGIN + 2000, 600).spanMs).toBe(2000);
  });
});

describe('activity fields', () => {
  it('labels by blob name, then file index', () => {
    expect(activityLabel({ blobName: 'x.csv', fileIndex: 3 })).toBe('x.csv');
    expect(activityLabel({ batchId: 'a', fileIndex: 3 })).toBe('file #3');
    expect(activityLabel({ batchId: 'a' })).toBe('');
    expect(activityLabel('plain')).toBe('plain');
  });

  it('reads both typed error shapes', () => {
    expect(typedErrorMessage({ ok: false, kind: 'parse', message: 'bad row' })).toBe('parse: bad row');
    expect(typedErrorMessage({ status: 'failed', error: { kind: 'invalid-manifest', message: 'm' } })).toBe(
      'invalid-manifest: m',
    );
    expect(typedErrorMessage({ ok: true, rows: 3 })).toBeNull();
  });
});

describe('batches', () => {
  it('groups nested sub-orchestrations under their batch', () => {
    const batches = groupBatches([
      instance('batch-old', { createdTime: at(-1000) }),
      instance('batch-a'),
      instance('batch-a:chunk-0', { parentInstanceId: 'batch-a', createdTime: at(1) }),
      instance('batch-a:chunk-0:inner', { parentInstanceId: 'batch-a:chunk-0', createdTime: at(2) }),
    ]);

    expect(batches.map((batch) => batch.instanceId)).toEqual(['batch-a', 'batch-old']);
    expect(batches[0].children.map((child) => child.instanceId)).toEqual(['batch-a:chunk-0', 'batch-a:chunk-0:inner']);
    expect(batches[0].batchId).toBe('a');
  });

  it('reads batch ids from valid instance ids', () => {
    expect(batchIdOf('batch-sales-2024')).toBe('sales-2024');
    expect(batchIdOf('batch-Sales')).toBeNull();
    expect(batchIdOf('other')).toBeNull();
  });

  it('counts live progress once per file', () => {
    const [batch] = groupBatches([instance('batch-a', { customStatus: { phase: 'mapping', total: 3, done: 0 } })]);
    const retried = { input: { fileIndex: 0 } };
    const activities = [
      activity({ ...retried, status: 'failed', failure: 'transient', end: 5 }),
      activity({ ...retried, end: 9 }),
      activity({ input: { fileIndex: 1 }, end: 9, result: { ok: false, kind: 'parse', message: 'x' } }),
      activity({ input: { fileIndex: 2 }, end: 9 }),
      activity({ name: 'listBatchFiles', input: {}, end: 1 }),
    ];

    expect(withLiveProgress(batch, activities).progress).toMatchObject({ done: 3, failed: 1, percent: 99 });
  });

  it('counts the files of activities that map groups', () => {
    const [batch] = groupBatches([instance('batch-a', { customStatus: { phase: 'mapping', total: 70, done: 0 } })]);
    const group = (index: number, files: number, failed: number) =>
      activity({ input: { group: index }, end: 9, result: { fileIndex: index * 32, files, failed, rows: 5 } });
    const activities = [group(0, 32, 0), group(1, 32, 3), group(1, 32, 3), group(2, 6, 6)];

    expect(withLiveProgress(batch, activities).progress).toMatchObject({ done: 70, failed: 9, percent: 99 });
    expect(buildThroughput(activities, ORIGIN, 100).files).toBe(102);
  });

  it('reads item counts only from sound results', () => {
    expect(activityItems({ files: 4, failed: 1 })).toEqual({ done: 4, failed: 1 });
    expect(activityItems({ files: 4, failed: 5 })).toEqual({ done: 1, failed: 0 });
    expect(activityItems({ files: -1, failed: 0 })).toEqual({ done: 1, failed: 0 });
    expect(activityItems({ ok: false, kind: 'parse', message: 'x' })).toEqual({ done: 1, failed: 1 });
    expect(activityItems(null)).toEqual({ done: 1, failed: 0 });
  });

  it('names the files of a map group', async () => {
    const lists: Record<string, object> = {
      'b/runs/r/chunks/0/files.json': { start: 0, files: ['a.csv', 'b.csv', 'c.csv'], groups: [0, 2] },
      'b/runs/r/chunks/1/files.json': { start: 3, files: ['d.csv', 'e.csv'] },
    };
    const readBlob = async (_container: string, name: string) =>
      lists[name] ? Buffer.from(JSON.stringify(lists[name])) : undefined;
    const input = (chunkIndex: number, group: number) => ({ batchId: 'b', runId: 'r', chunkIndex, group });

    const named = await batchFileNamer(readBlob)([
      activity({ input: input(0, 0) }),
      activity({ input: input(0, 1) }),
      activity({ input: input(0, 2) }),
      activity({ input: input(1, 1) }),
    ]);

    expect(named.map((record) => activityLabel(record.input))).toEqual(['a.csv and 1 more', 'c.csv', '', 'e.csv']);
  });

  it('keeps the counts of a run terminated while mapping', () => {
    const customStatus = { phase: 'mapping', total: 10, done: 0, failed: 0 };
    const [terminated] = groupBatches([instance('batch-a', { runtimeStatus: 'Terminated', customStatus })]);
    const activities = [activity({ input: { group: 0 }, end: 9, result: { files: 4, failed: 1, rows: 3 } })];

    expect(withLiveProgress(terminated, activities).progress).toMatchObject({ done: 4, failed: 1, percent: 40 });

    const done = { phase: 'done', total: 10, done: 10, failed: 0 };
    const [completed] = groupBatches([instance('batch-a', { runtimeStatus: 'Completed', customStatus: done })]);
    expect(withLiveProgress(completed, activities).progress).toMatchObject({ done: 10, percent: 100 });
  });

  it('adds redrive files to those of the base run', () => {
    const customStatus = { phase: 'mapping', total: 100, done: 97, failed: 0 };
    const [batch] = groupBatches([instance('batch-a', { customStatus })]);
    const activities = [activity({ input: { fileIndex: 0 }, end: 9 }), activity({ input: { fileIndex: 1 } })];

    expect(withLiveProgress(batch, activities).progress).toMatchObject({ done: 98, failed: 0, percent: 98 });
  });

  it('shows a completed instance at 100%', () => {
    const [batch] = groupBatches([
      instance('batch-a', { runtimeStatus: 'Completed', customStatus: { total: 4, done: 2, failed: 0 } }),
    ]);

    expect(batch.progress.percent).toBe(100);
  });
});

describe('throughput', () => {
  it('counts fan-out completions per bucket', () => {
    const activities = [
      activity({ end: 100, result: { ok: true, rows: 10 } }),
      activity({ end: 600, result: { ok: true, rows: 30 } }),
      activity({ name: 'listBatchFiles', end: 50, result: { rows: 1000 } }),
    ];
    const throughput = buildThroughput(activities, ORIGIN, 700);

    expect(throughput.bucketMs).toBe(250);
    expect(throughput.files).toBe(2);
    expect(throughput.rows).toBe(40);
    expect(throughput.buckets.map((bucket) => bucket.filesPerSecond)).toEqual([4, 0, 4]);
  });

  it('widens buckets for long runs', () => {
    expect(buildThroughput([], ORIGIN, 10 * 60 * 1000).bucketMs).toBe(10000);
  });
});
