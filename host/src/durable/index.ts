import type { CreateDurableService, DurableServiceOptions } from '../contracts';
import { DurableEngine } from './durable-engine';

export { DurableEngine } from './durable-engine';
export type { EngineMetrics } from './metrics';
export type { DurableSettings } from './settings';

/** Creates the durable engine for one app; see `DurableEngine` for the extra members tests use. */
export const createDurableService: CreateDurableService = (options: DurableServiceOptions) =>
  new DurableEngine(options);
