import type { DurableService, DurableServiceOptions, InputBindingProvider } from '../contracts';
import { clientBindingData } from './client-binding';
import { ActivityDispatcher } from './dispatch/activity-dispatcher';
import { EntityDispatcher } from './dispatch/entity-dispatcher';
import { OrchestrationDispatcher } from './dispatch/orchestration-dispatcher';
import { TimerDispatcher } from './dispatch/timer-dispatcher';
import type { EngineContext } from './engine-context';
import { FunctionCatalog } from './function-catalog';
import { HistoryCache } from './history-cache';
import { dashboardRoutes } from './http/dashboard-routes';
import { entityRoutes } from './http/entity-routes';
import { DurableHttpApi } from './http/durable-http-api';
import { instanceRoutes } from './http/instance-routes';
import { InstanceManager } from './management';
import { createMetrics, type EngineMetrics } from './metrics';
import { readDurableSettings, type DurableSettings } from './settings';
import { TaskHubStore } from './store';

/**
 * The durable engine: a task hub in SQLite, dispatch loops for orchestrations, activities and timers, the
 * client binding and the Durable HTTP API.
 */
export class DurableEngine implements DurableService {
  readonly triggerTypes = ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'] as const;
  readonly settings: DurableSettings;
  readonly metrics: EngineMetrics = createMetrics();
  readonly store: TaskHubStore;
  readonly manager: InstanceManager;
  readonly http: DurableHttpApi;
  readonly clientBinding: InputBindingProvider;
  private readonly orchestrations: OrchestrationDispatcher;
  private readonly activities: ActivityDispatcher;
  private readonly timers: TimerDispatcher;
  private readonly entities: EntityDispatcher;
  private readonly ctx: EngineContext;
  private started = false;

  constructor(private readonly options: DurableServiceOptions) {
    this.settings = readDurableSettings(options.settings);
    this.store = new TaskHubStore(options.dataDir, this.settings.hubName);
    this.ctx = {
      store: this.store,
      invoker: options.invoker,
      settings: this.settings,
      logger: options.logger.child({ component: 'durable' }),
      cache: new HistoryCache(this.store),
      metrics: this.metrics,
      catalog: new FunctionCatalog(options.invoker),
      wake: {
        orchestrations: () => this.started && this.orchestrations.wake(),
        activities: () => this.started && this.activities.wake(),
        timers: () => this.started && this.timers.wake(),
        entities: () => this.started && this.entities.wake(),
      },
    };
    this.orchestrations = new OrchestrationDispatcher(this.ctx);
    this.activities = new ActivityDispatcher(this.ctx);
    this.timers = new TimerDispatcher(this.ctx);
    this.entities = new EntityDispatcher(this.ctx);
    this.manager = new InstanceManager(this.ctx);
    this.http = new DurableHttpApi(
      [...instanceRoutes(this.ctx, this.manager), ...entityRoutes(this.ctx), ...dashboardRoutes(this.ctx)],
      this.settings.hubName,
    );
    const binding = JSON.stringify(
      clientBindingData(
        options.baseUrl,
        options.localBaseUrl ?? options.baseUrl,
        this.settings.hubName,
        this.settings.localRpcEndpointEnabled,
      ),
    );
    this.clientBinding = () => ({ string: binding });
  }

  /** Resumes every instance with queued messages and dispatches again every activity that had not finished. */
  async start(): Promise<void> {
    const requeued = this.store.work.requeueRunningActivities();
    const dropped = this.store.dropMessagesOfFinishedInstances();
    this.started = true;
    this.ctx.logger.info(
      {
        hubName: this.settings.hubName,
        dataDir: this.options.dataDir,
        requeuedActivities: requeued,
        droppedMessages: dropped,
      },
      'durable engine started',
    );
    this.orchestrations.wake();
    this.activities.wake();
    this.timers.wake();
    this.entities.wake();
  }

  async stop(): Promise<void> {
    if (!this.started) {
      this.store.close();
      return;
    }
    this.started = false;
    this.timers.stop();
    await this.activities.stop();
    await this.entities.stop();
    await this.orchestrations.stop();
    this.store.close();
    this.ctx.logger.info({ hubName: this.settings.hubName }, 'durable engine stopped');
  }
}
