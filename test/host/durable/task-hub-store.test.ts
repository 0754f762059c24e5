import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TaskHubStore, type EpisodeCommit } from '../../../host/src/durable/store';

describe('task hub store', () => {
  let dir: string;
  let store: TaskHubStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
    store = new TaskHubStore(dir, 'StoreHub');
    store.createInstance(
      { instanceId: 'i1', name: 'o', version: '', executionId: 'e1', input: null, startEvent: '{}' },
      1000,
    );
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const commit = (overrides: Partial<EpisodeCommit> = {}): EpisodeCommit => ({
    instanceId: 'i1',
    executionId: 'e1',
    consumedMessageIds: store.messagesOf('i1').map((m) => m.id),
    appendEvents: ['{"EventType":12}', '{"EventType":0}'],
    update: { status: 'Running', output: null, customStatus: null, failureDetails: null, completedAt: null },
    activities: [{ taskId: 0, name: 'a', input: '1' }],
    timers: [],
    instances: [],
    messages: [],
    releaseWork: 'none',
    now: 2000,
    ...overrides,
  });

  it('uses WAL mode in a file named after the hub', () => {
    expect(fs.existsSync(path.join(dir, 'StoreHub.sqlite'))).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('commits an episode with history, work and consumed messages', () => {
    expect(store.commitEpisode(commit())).toBe(true);
    expect(store.historyOf('i1')).toHaveLength(2);
    expect(store.messagesOf('i1')).toHaveLength(0);
    expect(store.getInstance('i1')).toMatchObject({ status: 'Running', history_length: 2 });
    expect(store.work.claimActivities(10, 3000)).toHaveLength(1);
  });

  it('discards an episode whose execution was replaced meanwhile', () => {
    expect(store.commitEpisode(commit({ executionId: 'old' }))).toBe(false);
    expect(store.historyOf('i1')).toHaveLength(0);
    expect(store.messagesOf('i1')).toHaveLength(1);
  });

  it('requeues running activities and drops results of abandoned ones', () => {
    store.commitEpisode(
      commit({
        activities: [
          { taskId: 0, name: 'a', input: null },
          { taskId: 1, name: 'a', input: null },
        ],
      }),
    );
    const [first, second] = store.work.claimActivities(10, 3000);
    expect(store.work.requeueRunningActivities()).toBe(2);
    store.work.claimActivities(10, 4000);
    store.commitEpisode(commit({ appendEvents: [], activities: [], consumedMessageIds: [], releaseWork: 'all' }));
    const completion = (id: number) => ({
      activityId: id,
      functionName: 'a',
      instanceId: 'i1',
      executionId: 'e1',
      failed: false,
      failureReason: null,
      event: '{}',
      completedAt: 5000,
    });
    expect(store.work.completeActivities([completion(first.id), completion(second.id)])).toEqual([]);
    expect(store.messagesOf('i1')).toHaveLength(0);
  });

  it('queues carried events before events that arrived meanwhile', () => {
    const started = store.messagesOf('i1').map((m) => m.id);
    const raised = (value: number) => ({
      instanceId: 'i1',
      executionId: null,
      kind: 'event' as const,
      event: JSON.stringify({ EventType: 6, Name: 'add', Input: String(value) }),
    });
    // The event raised while the episode ran is still queued when the episode continues as new and carries 10.
    store.enqueueMessages([raised(100)], 1500);
    const nextStart = { instanceId: 'i1', executionId: 'e2', kind: 'event' as const, event: '{"EventType":0}' };

    store.commitEpisode(
      commit({
        consumedMessageIds: started,
        activities: [],
        releaseWork: 'timers',
        update: {
          status: 'ContinuedAsNew',
          output: null,
          customStatus: null,
          failureDetails: null,
          completedAt: null,
          nextExecution: { executionId: 'e2', input: null, createdAt: 2000 },
        },
        messages: [nextStart, raised(10)],
      }),
    );

    const queued = store.messagesOf('i1');
    expect(queued.map((m) => m.event)).toEqual([nextStart.event, raised(10).event, raised(100).event]);
    expect(queued.map((m) => m.created_at)).toEqual([2000, 2000, 1500]);
  });

  it('turns due timers into messages and keeps future ones', () => {
    store.commitEpisode(
      commit({
        activities: [],
        timers: [
          { timerId: 0, fireAt: 5000 },
          { timerId: 1, fireAt: 9000 },
        ],
      }),
    );
    expect(store.work.nextTimerDue()).toBe(5000);
    expect(store.work.fireDueTimers(6000, (id, at) => JSON.stringify({ id, at }))).toBe(1);
    expect(store.messagesOf('i1').map((m) => JSON.parse(m.event))).toEqual([{ id: 0, at: 5000 }]);
    expect(store.work.nextTimerDue()).toBe(9000);
  });

  it('rejects a hub locked by another live host and takes over a stale lock', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'store-lock-'));
    const lockFile = path.join(other, 'StoreHub.sqlite.lock');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(lockFile, String(sleeper.pid));
      expect(() => new TaskHubStore(other, 'StoreHub')).toThrow(`in use by another host (pid ${sleeper.pid})`);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((resolve) => sleeper.on('exit', resolve));
    }
    const recovered = new TaskHubStore(other, 'StoreHub');
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    recovered.close();
    expect(fs.existsSync(lockFile)).toBe(false);
    fs.rmSync(other, { recursive: true, force: true });
  });
});
