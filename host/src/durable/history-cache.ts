import type { HistoryEvent } from './history';
import type { TaskHubStore } from './store/task-hub-store';

/** The played history of one execution: parsed events and their JSON joined once, extended per episode. */
export interface CachedHistory {
  executionId: string;
  events: HistoryEvent[];
  json: string;
}

/**
 * Keeps recently used histories in memory so an episode neither reloads nor re-serializes the events it
 * already sent. Entries are dropped when the execution changes, and the least recently used ones when the
 * cache contains more than `maxEntries` histories or `maxEvents` events in total.
 */
export class HistoryCache {
  private readonly entries = new Map<string, CachedHistory>();

  constructor(
    private readonly store: TaskHubStore,
    private readonly maxEntries = 200,
    private readonly maxEvents = 500000,
  ) {}

  get(instanceId: string, executionId: string, historyLength: number): CachedHistory {
    const cached = this.entries.get(instanceId);
    this.entries.delete(instanceId);
    const entry =
      cached && cached.executionId === executionId && cached.events.length === historyLength
        ? cached
        : this.load(instanceId, executionId);
    this.entries.set(instanceId, entry);
    this.evict();
    return entry;
  }

  append(instanceId: string, entry: CachedHistory, events: HistoryEvent[], jsons: string[]): void {
    entry.events.push(...events);
    const added = jsons.join(',');
    entry.json = entry.json && added ? `${entry.json},${added}` : entry.json || added;
    this.entries.set(instanceId, entry);
  }

  forget(instanceId: string): void {
    this.entries.delete(instanceId);
  }

  private load(instanceId: string, executionId: string): CachedHistory {
    const jsons = this.store.historyOf(instanceId);
    return { executionId, events: jsons.map((json) => JSON.parse(json) as HistoryEvent), json: jsons.join(',') };
  }

  private evict(): void {
    let events = 0;
    for (const entry of this.entries.values()) {
      events += entry.events.length;
    }
    while (this.entries.size > 1 && (this.entries.size > this.maxEntries || events > this.maxEvents)) {
      const [oldest, entry] = this.entries.entries().next().value as [string, CachedHistory];
      events -= entry.events.length;
      this.entries.delete(oldest);
    }
  }
}
