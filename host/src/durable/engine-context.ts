import type { Logger } from 'pino';
import type { FunctionInvoker } from '../contracts';
import type { FunctionCatalog } from './function-catalog';
import type { HistoryCache } from './history-cache';
import type { EngineMetrics } from './metrics';
import type { DurableSettings } from './settings';
import type { TaskHubStore } from './store';

/** Shared parts of the engine that the dispatch loops, the episode runner and the HTTP API use. */
export interface EngineContext {
  store: TaskHubStore;
  invoker: FunctionInvoker;
  settings: DurableSettings;
  logger: Logger;
  cache: HistoryCache;
  metrics: EngineMetrics;
  catalog: FunctionCatalog;
  /** Wakes the loops after new work was committed. */
  wake: { orchestrations(): void; activities(): void; timers(): void; entities(): void };
}
