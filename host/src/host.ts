import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { readHostJson, HostJsonSettings } from './config/host-json';
import { AppSettings, mergeSettings, readLocalSettings } from './config/local-settings';
import { ConfigurationError } from './config/errors';
import type {
  CreateDurableService,
  DurableService,
  FunctionInvoker,
  HttpRouteHandler,
  RegisteredFunction,
} from './contracts';
import { createDurableService } from './durable';
import { ConflictError } from './durable/errors';
import { readDurableSettings } from './durable/settings';
import { HubLock } from './durable/store/hub-lock';
import { createLogger } from './logger';
import { startTriggers, StartedTriggers } from './triggers/start-triggers';
import type { BlobEventRule } from './triggers/blob-event-rule';
import { HostHttpServer } from './triggers/http-server';
import { HttpFunctionRoutes } from './triggers/http-functions';
import { createQueueOutputWriter } from './triggers/queue-output';
import { resolveEntryFiles } from './worker/app-loader';
import { WorkerFunctionInvoker } from './worker/function-invoker';
import { resolveWorkerCount, WORKER_COUNT_SETTING } from './worker/worker-count';
import { WorkerPool } from './worker/worker-pool';

export interface HostOptions {
  /** Folder of the Function App: package.json, host.json, local.settings.json. */
  appDir: string;
  /** HTTP port; 0 picks a free port. @default 7071 */
  port?: number;
  /** HTTP listen address. @default '127.0.0.1' */
  host?: string;
  /** Folder for host state (task hub, blob event bookkeeping). @default '.data' */
  dataDir?: string;
  /** Origin of this host as clients see it. @default `http://127.0.0.1:<port>` */
  publicUrl?: string;
  /** Trust `X-Forwarded-Host` and `X-Forwarded-Proto`. @default false */
  trustedProxy?: boolean;
  /** Largest HTTP request body in bytes. @default 1048576 */
  maxRequestBytes?: number;
  /** Containers watched for new blobs, each publishing BlobCreated events to a queue. @default [] */
  blobEvents?: BlobEventRule[];
  /** Milliseconds between listings of a watched container. @default 1000 */
  blobEventPollMs?: number;
  /**
   * App worker threads, each loading the app (1 to 10). @default the app setting `FUNCTIONS_WORKER_PROCESS_COUNT`,
   * else 1
   */
  workers?: number;
  /** App settings that win over local.settings.json and the environment. */
  settings?: AppSettings;
  /** Environment the settings are merged with. @default process.env */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Durable engine factory. @default `createDurableService` of `./durable` */
  createDurableService?: CreateDurableService;
  /** Extra HTTP handlers, asked after the durable API and the functions (for example a dashboard). */
  httpHandlers?: HttpRouteHandler[];
}

export interface RunningHost {
  /** Origin clients use, for example `http://127.0.0.1:7071`. */
  url: string;
  port: number;
  invoker: FunctionInvoker;
  functions: ReadonlyMap<string, RegisteredFunction>;
  durable: DurableService;
  settings: AppSettings;
  hostJson: HostJsonSettings;
  /** Absolute path of the host state folder. */
  dataDir: string;
  logger: Logger;
  /** Adds an HTTP handler after the existing ones. */
  addHttpHandler(handler: HttpRouteHandler): void;
  /** Stops triggers and the durable engine, runs appTerminate hooks and closes the server. */
  stop(): Promise<void>;
  /**
   * Resolves with the reason when no app worker thread is left, because every thread's restarts failed or hit the
   * crash-loop limit. The host then stops by itself as `stop()` does, and `stop()` resolves once that stop is done.
   * Never settles while a thread is alive or after `stop()` was called.
   */
  failure: Promise<Error>;
}

/** Starts the host: settings, HTTP server, app worker, durable engine and triggers, then appStart hooks. */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const logger = options.logger ?? createLogger();
  const appDir = path.resolve(options.appDir);
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) {
    throw new ConfigurationError(`app folder ${appDir} not found: pass the Function App folder with --app`);
  }
  resolveEntryFiles(appDir);
  const dataDir = path.resolve(options.dataDir ?? '.data');
  fs.mkdirSync(dataDir, { recursive: true });

  const settings = mergeSettings(readLocalSettings(appDir), options.env ?? process.env, options.settings);
  const hostJson = readHostJson(appDir, settings);
  const workers = resolveWorkerCount(options.workers, settings);
  // The task hub lock comes first, so a second host on the same data folder fails before it listens or prints.
  const lock = options.createDurableService ? undefined : lockTaskHub(dataDir, hostJson);
  const server = new HostHttpServer({ ...options, logger });
  const cleanup: (() => Promise<void>)[] = [];
  if (lock) cleanup.push(async () => lock.release());
  try {
    await server.listen();
  } catch (error) {
    lock?.release();
    throw error;
  }

  try {
    return await startParts(options, { appDir, dataDir, settings, hostJson, workers, server, logger, cleanup });
  } catch (error) {
    await server.close();
    await runCleanup(cleanup, logger);
    throw error;
  }
}

interface StartContext {
  appDir: string;
  dataDir: string;
  settings: AppSettings;
  hostJson: HostJsonSettings;
  /** Number of app worker threads. */
  workers: number;
  server: HostHttpServer;
  logger: Logger;
  /** Stop steps after the HTTP server has closed, run in reverse order. */
  cleanup: (() => Promise<void>)[];
}

async function startParts(options: HostOptions, context: StartContext): Promise<RunningHost> {
  const { server, logger, cleanup, settings, hostJson } = context;
  const env = {
    ...settings,
    WEBSITE_HOSTNAME: new URL(server.publicUrl).host,
    [WORKER_COUNT_SETTING]: String(context.workers),
  };
  const pool = await WorkerPool.start({ appDir: context.appDir, env, logger, count: context.workers });
  cleanup.push(() => pool.stop());
  const invoker = new WorkerFunctionInvoker(pool, { timeoutMs: hostJson.functionTimeoutMs, logger });

  const durable = createDurable(options, context, invoker);
  invoker.registerInputBinding('durableClient', durable.clientBinding);
  invoker.registerInputBinding('orchestrationClient', durable.clientBinding);
  invoker.registerOutputBinding('queue', createQueueOutputWriter(settings, hostJson.queues));
  server.addHandler(durable.http);
  const durableTypes = new Set(durable.triggerTypes.map((type) => type.toLowerCase()));
  const functions = [...invoker.functions.values()].filter(
    (fn) => !durableTypes.has(fn.trigger.type.toLowerCase()) && !isDisabled(fn, settings, logger),
  );
  server.addHandler(new HttpFunctionRoutes(invoker, functions, hostJson.routePrefix, logger));
  for (const handler of options.httpHandlers ?? []) server.addHandler(handler);

  await pool.runAppStartHooks();
  cleanup.push(() => pool.runAppTerminateHooks());
  await durable.start();
  cleanup.push(() => durable.stop());
  const triggers: StartedTriggers = await startTriggers({ ...context, invoker, functions, options });
  cleanup.push(() => triggers.stop());
  server.ready();
  logger.info({ functions: invoker.functions.size, workers: pool.size, url: server.publicUrl }, 'host started');

  let stopCalled = false;
  const stopOnce = once(async () => {
    await server.close();
    await runCleanup(cleanup, logger);
  });
  const stop = () => {
    stopCalled = true;
    return stopOnce();
  };
  const failure = new Promise<Error>((resolve) => {
    void pool.failure.then((error) => {
      if (stopCalled) return;
      resolve(
        new Error(
          `${error.message}. Fix the crash and start the host again. Batches that were running resume from ` +
            `their saved state in ${context.dataDir}`,
        ),
      );
      stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'host stop failed'));
    });
  });

  return {
    url: server.publicUrl,
    port: server.port,
    invoker,
    functions: invoker.functions,
    durable,
    settings,
    hostJson,
    dataDir: context.dataDir,
    logger,
    addHttpHandler: (handler) => server.addHandler(handler),
    stop,
    failure,
  };
}

/** Locks the default engine's task hub file, and names the data folder when a live host owns the lock. */
function lockTaskHub(dataDir: string, hostJson: HostJsonSettings): HubLock {
  const hubFile = path.join(dataDir, `${readDurableSettings(hostJson.durableTask).hubName}.sqlite`);
  try {
    return HubLock.acquire(hubFile);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const owner = /\(pid (\d+)\)/.exec(error.message)?.[1];
    throw new ConflictError(
      `data folder ${dataDir} is in use by another host${owner ? ` (pid ${owner})` : ''}: stop that host, or run a second stack on its own folder with --data DIR`,
      error.status,
    );
  }
}

function createDurable(options: HostOptions, context: StartContext, invoker: FunctionInvoker): DurableService {
  const factory = options.createDurableService ?? createDurableService;
  return factory({
    invoker,
    dataDir: context.dataDir,
    settings: context.hostJson.durableTask,
    baseUrl: context.server.publicUrl,
    localBaseUrl: localOrigin(options.host, context.server.port),
    logger: context.logger,
  });
}

/**
 * Returns true when the app setting `AzureWebJobs.<name>.Disabled` is `true` or `1`: the Functions host then
 * neither serves nor triggers the function.
 */
export function isDisabled(fn: RegisteredFunction, settings: AppSettings, logger?: Logger): boolean {
  const value = settings[`AzureWebJobs.${fn.name}.Disabled`]?.trim().toLowerCase();
  const disabled = value === 'true' || value === '1';
  if (disabled) logger?.info({ functionName: fn.name }, 'function disabled by app setting');
  return disabled;
}

/** Returns the origin for the app's own durable client calls, which must reach this process whatever the public URL is. */
function localOrigin(listenHost: string | undefined, port: number): string {
  const wildcard = listenHost === undefined || listenHost === '0.0.0.0' || listenHost === '::';
  const host = wildcard ? '127.0.0.1' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  return `http://${host}:${port}`;
}

async function runCleanup(steps: (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (error) {
      logger.error({ err: error }, 'host stop step failed');
    }
  }
  logger.info('host stopped');
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
