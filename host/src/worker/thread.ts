/**
 * Entry point of the worker thread: loads the app with the `@azure/functions-core` module in place, then
 * serves invocation and app-hook requests from the host. The app runs in its own thread, as it runs in its
 * own process under the Functions host, so its module state starts fresh with every host.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installCoreModule, loadEntryFiles } from './app-loader';
import { toSerializedError } from './error-info';
import { invokeFunction } from './invocation';
import type { HostToWorker, LogCategory, LogLevel, ReplyValue, WorkerStartData, WorkerToHost } from './protocol';
import { LogSink, WorkerState } from './worker-state';

if (!parentPort) throw new Error('thread.js runs as a worker thread started by the host');
const port = parentPort;
const post = (message: WorkerToHost) => port.postMessage(message);

function createLogSink(getState: () => WorkerState): LogSink {
  let inLogHook = false;
  return (level, category, message, invocation) => {
    const record = {
      hookData: {},
      appHookData: getState().appHookData,
      invocationContext: invocation?.context,
      category,
      level,
      message,
    };
    if (!inLogHook && getState().hooks.has('log')) {
      inLogHook = true;
      try {
        getState().hooks.runSync('log', record);
      } catch (error) {
        // A failing log hook must not fail the code that logged, so the record goes out unchanged.
        const reason = toSerializedError(error);
        post({
          type: 'log',
          level: 'warning',
          category: 'system',
          message: `Log hook failed: ${reason.stack ?? reason.message}`,
        });
      } finally {
        inLogHook = false;
      }
    }
    post({
      type: 'log',
      level: record.level as LogLevel,
      category: category as LogCategory,
      message: record.message,
      functionName: invocation?.functionName,
      invocationId: invocation?.invocationId,
    });
  };
}

async function handle(state: WorkerState, request: HostToWorker): Promise<ReplyValue> {
  switch (request.type) {
    case 'invoke':
      return invokeFunction(state, request.params);
    case 'appStart':
      await state.hooks.run('appStart', {
        hookData: state.appLevelHookData,
        appHookData: state.appHookData,
        functionAppDirectory: state.appDir,
      });
      return null;
    case 'appTerminate':
      await state.hooks.run('appTerminate', { hookData: state.appLevelHookData, appHookData: state.appHookData });
      return null;
  }
}

async function main(): Promise<void> {
  const { appDir } = workerData as WorkerStartData;
  // eslint-disable-next-line prefer-const
  let state: WorkerState;
  const log = createLogSink(() => state);
  state = new WorkerState(appDir, log);

  process.on('uncaughtException', (error) =>
    log('error', 'system', `Uncaught exception in the app: ${error.stack ?? error}`),
  );
  process.on('unhandledRejection', (reason) =>
    log(
      'error',
      'system',
      `Unhandled promise rejection in the app: ${toSerializedError(reason).stack ?? String(reason)}`,
    ),
  );

  try {
    installCoreModule(state);
    await loadEntryFiles(appDir);
    state.registrationLocked = true;
    await checkCapabilities(state);
  } catch (error) {
    post({ type: 'loadFailed', error: toSerializedError(error) });
    return;
  }

  port.on('message', (request: HostToWorker) => {
    handle(state, request).then(
      (value) => post({ type: 'reply', id: request.id, value }),
      (error: unknown) => post({ type: 'reply', id: request.id, error: toSerializedError(error) }),
    );
  });
  post({ type: 'loaded', functions: [...state.functions.values()].map((entry) => entry.metadata) });
}

/** Lets the programming model lock `app.setup()`; HTTP streaming needs a proxy this host does not run. */
async function checkCapabilities(state: WorkerState): Promise<void> {
  if (!state.programmingModel) return;
  const capabilities = await state.programmingModel.getCapabilities({});
  if (capabilities.HttpUri) {
    throw new Error('HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by this host: remove it');
  }
}

void main();
