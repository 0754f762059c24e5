#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { ConfigurationError } from './config/errors';
import { createHostDashboard } from './dashboard';
import { ConflictError, InvalidSettingError } from './durable/errors';
import { formatFunctionList } from './function-list';
import { RunningHost, startHost } from './host';
import { createLogger } from './logger';
import { BlobEventRule, parseBlobEventRule } from './triggers/blob-event-rule';
import { DEFAULT_MAX_REQUEST_BYTES, PortInUseError } from './triggers/http-server';
import { StorageConnectionError } from './triggers/storage-connection';
import { AppLoadError } from './worker/app-loader';
import { MAX_WORKER_COUNT, MIN_WORKER_COUNT, parseWorkerCount } from './worker/worker-count';

interface StartOptions {
  app: string;
  port: number;
  host: string;
  data: string;
  publicUrl?: string;
  trustedProxy: boolean;
  blobEvents: BlobEventRule[];
  blobEventsConnection?: string;
  blobEventsInterval: number;
  maxRequestBytes: number;
  logLevel: string;
  dashboard: boolean;
  workers?: number;
}

/** Errors with a complete message for the user, printed as one line without a stack trace. */
const USER_ERRORS = [
  ConfigurationError,
  PortInUseError,
  AppLoadError,
  StorageConnectionError,
  ConflictError,
  InvalidSettingError,
];

function integer(min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`use an integer from ${min} to ${max}`);
    }
    return value;
  };
}

function workerCount(text: string): number {
  const count = parseWorkerCount(text);
  if (count === undefined) {
    throw new InvalidArgumentError(`use an integer from ${MIN_WORKER_COUNT} to ${MAX_WORKER_COUNT}`);
  }
  return count;
}

function collectRule(text: string, rules: BlobEventRule[]): BlobEventRule[] {
  try {
    return [...rules, parseBlobEventRule(text)];
  } catch (error) {
    // Commander already names the option and the argument, so only the reason is kept.
    throw new InvalidArgumentError((error as Error).message.replace(/^blob events rule "[^"]*"(: | is invalid: )/, ''));
  }
}

function publicUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.origin;
  } catch {
    throw new InvalidArgumentError('use an http or https origin such as http://localhost:7071');
  }
}

async function start(options: StartOptions): Promise<void> {
  const logger = createLogger({ level: options.logLevel, destination: pino.destination({ dest: 2, sync: true }) });
  const rules = options.blobEvents.map((rule) => ({ ...rule, connection: options.blobEventsConnection }));
  let host: RunningHost;
  try {
    host = await startHost({
      appDir: options.app,
      port: options.port,
      host: options.host,
      dataDir: options.data,
      publicUrl: options.publicUrl,
      trustedProxy: options.trustedProxy,
      maxRequestBytes: options.maxRequestBytes,
      blobEvents: rules,
      blobEventPollMs: options.blobEventsInterval,
      workers: options.workers,
      logger,
    });
  } catch (error) {
    exitWithError(error);
  }

  if (options.dashboard) {
    const { dataDir, settings, logger: hostLogger } = host;
    host.addHttpHandler(
      createHostDashboard({ dataDir, durableTask: host.hostJson.durableTask, settings, logger: hostLogger }),
    );
  }

  const lines = formatFunctionList(host.functions.values(), host.url, host.hostJson.routePrefix);
  process.stdout.write(`\nFunctions:\n\n${lines.map((line) => `  ${line}`).join('\n')}\n\n`);
  if (options.dashboard) process.stdout.write(`Dashboard: ${host.url}/\n`);
  process.stdout.write(`Host listening on ${host.url}. Press Ctrl+C to stop.\n`);

  let signalled = false;
  let failure: Error | undefined;
  // Waits for the stop that a signal or the host itself began, then exits with 1 when the host failed.
  const finish = () =>
    host.stop().then(
      () => {
        if (failure) process.stderr.write(`error: ${failure.message}\n`);
        process.exit(failure ? 1 : 0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'host stop failed');
        process.exit(1);
      },
    );
  let firstSignalAt = 0;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled && Date.now() - firstSignalAt < REPEATED_SIGNAL_MS) {
      logger.info({ signal }, 'stop signal repeated; still stopping cleanly');
      return;
    }
    if (signalled) {
      logger.warn({ signal }, 'second stop signal; exiting without waiting for a clean stop');
      process.exit(1);
    }
    signalled = true;
    firstSignalAt = Date.now();
    logger.info({ signal }, 'stopping host');
    // A stop the host began by itself is already under way and exits when it is done.
    if (!failure) void finish();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  void host.failure.then((error) => {
    failure = error;
    if (!signalled) void finish();
  });
}

/**
 * Milliseconds within which a second stop signal counts as the same request. Ctrl-C in a terminal sends SIGINT to
 * the whole process group, so a wrapper such as `npm start` that forwards its own SIGTERM delivers a second signal
 * a few milliseconds later. A second signal after this delay ends the host without waiting.
 */
const REPEATED_SIGNAL_MS = 1000;

function exitWithError(error: unknown): never {
  const known = USER_ERRORS.some((type) => error instanceof type);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${known || !(error instanceof Error) ? message : (error.stack ?? message)}\n`);
  process.exit(1);
}

function buildProgram(): Command {
  const program = new Command('fanout-host').description(
    'Run an Azure Functions Node.js v4 app (with Durable Functions) locally on Azurite',
  );
  program
    .command('start')
    .description('Start the host: load the app, serve HTTP functions and run queue, blob and durable triggers')
    .option('--app <dir>', 'Function App folder with package.json and host.json', 'functions')
    .option('--port <number>', 'HTTP port; 0 picks a free port', integer(0, 65535), 7071)
    .option(
      '--host <address>',
      'HTTP listen address; other than loopback exposes the app without authentication',
      '127.0.0.1',
    )
    .option('--data <dir>', 'folder for host state: task hub and blob event bookkeeping', '.data')
    .option(
      '--public-url <origin>',
      'origin clients use, written into management URLs (default: http://127.0.0.1:<port>)',
      publicUrl,
    )
    .option('--trusted-proxy', 'take the request origin from X-Forwarded-Host and X-Forwarded-Proto', false)
    .option(
      '--blob-events <rule>',
      'publish BlobCreated events: container:queue[:subjectSuffix], e.g. input:blob-created:/_manifest.json (repeatable)',
      collectRule,
      [],
    )
    .option(
      '--blob-events-connection <setting>',
      'app setting with the connection string of watched containers (default: DataStorage)',
    )
    .option('--blob-events-interval <ms>', 'milliseconds between container listings', integer(50, 3600000), 1000)
    .option(
      '--max-request-bytes <bytes>',
      'largest HTTP request body accepted',
      integer(0, 2 ** 31 - 1),
      DEFAULT_MAX_REQUEST_BYTES,
    )
    .option(
      '--workers <n>',
      `app worker threads, each loading the app, ${MIN_WORKER_COUNT} to ${MAX_WORKER_COUNT} ` +
        '(default: app setting FUNCTIONS_WORKER_PROCESS_COUNT, else 1)',
      workerCount,
    )
    .option('--no-dashboard', 'do not serve the batch dashboard at /')
    .addOption(
      new Option('--log-level <level>', 'lowest log level written to stderr')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
        .default(process.env.LOG_LEVEL ?? 'info'),
    )
    .action((options: StartOptions) => start(options));
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => exitWithError(error));
