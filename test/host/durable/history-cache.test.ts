import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HistoryCache } from '../../../host/src/durable/history-cache';
import { TaskHubStore } from '../../../host/src/durable/store';

describe('history cache', () => {
  let dir: string;
  let store: TaskHubStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-'));
    store = new TaskHubStore(dir, 'CacheHub');
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('extends cached JSON without reloading', () => {
    const cache = new HistoryCache(store);
    const entry = cache.get('a', 'e1', 0);
    cache.append('a', entry, [{ EventType: 12, EventId: -1, Timestamp: 't' }], ['{"x":1}']);
    cache.append('a', entry, [{ EventType: 13, EventId: -1, Timestamp: 't' }], ['{"x":2}']);
    const again = cache.get('a', 'e1', 2);
    expect(again).toBe(entry);
    expect(again.json).toBe('{"x":1},{"x":2}');
  });

  it('evicts the oldest entries above the event budget', () => {
    const cache = new HistoryCache(store, 10, 3);
    const first = cache.get('a', 'e1', 0);
    cache.append(
      'a',
      first,
      [1, 2].map(() => ({ EventType: 12, EventId: -1, Timestamp: 't' })),
      ['1', '2'],
    );
    const second = cache.get('b', 'e1', 0);
    cache.append(
      'b',
      second,
      [1, 2].map(() => ({ EventType: 12, EventId: -1, Timestamp: 't' })),
      ['1', '2'],
    );
    cache.get('c', 'e1', 0);
    expect(cache.get('b', 'e1', 2)).toBe(second);
    expect(cache.get('a', 'e1', 2)).not.toBe(first);
  });
});
