import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startHost } from '../../../host/src/host';
import { startAzurite } from '../../../scripts/src/azurite';
import { BatchHost, LogLine } from '../../functions/support/host-harness';
import { CapturedPoint, readCapturedPoints, writeMetricCaptureApp } from './metric-capture-app';

export interface TelemetryHost extends BatchHost {
  /** Metric data points the app recorded so far. */
  metrics(): CapturedPoint[];
}

/** Returns the environment without Application Insights settings, so the app never starts an exporter to Azure. */
function environmentWithoutAzureMonitor(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('APPLICATIONINSIGHTS_')));
}

/**
 * Starts an in-memory Azurite and the local host running the Function App behind a metric capture module, with
 * manifest blob events on. The host's log output (the app's log lines included) is collected in `logs`.
 */
export async function startTelemetryHost(): Promise<TelemetryHost> {
  const azurite = await startAzurite();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-names-'));
  const appDir = path.join(workDir, 'app');
  fs.mkdirSync(appDir);
  const metricsFile = writeMetricCaptureApp(appDir);
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  try {
    const host = await startHost({
      appDir,
      port: 0,
      dataDir: path.join(workDir, 'data'),
      logger,
      env: environmentWithoutAzureMonitor(),
      settings: {
        FUNCTIONS_WORKER_RUNTIME: 'node',
        AzureWebJobsStorage: azurite.connectionString,
        DataStorage: azurite.connectionString,
        TASKHUB_NAME: 'telemetrytests',
      },
      blobEvents: [{ container: 'input', queue: 'blob-created', subjectSuffix: '/_manifest.json' }],
      blobEventPollMs: 100,
    });
    return {
      azurite,
      host,
      blobs: BlobServiceClient.fromConnectionString(azurite.connectionString),
      queues: QueueServiceClient.fromConnectionString(azurite.connectionString),
      logs,
      metrics: () => readCapturedPoints(metricsFile),
      stop: async () => {
        await host.stop();
        await azurite.stop();
        fs.rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await azurite.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** Polls the captured metrics until `done` accepts them. */
export async function waitForMetrics(
  host: TelemetryHost,
  done: (points: CapturedPoint[]) => boolean,
  timeoutMs = 30000,
): Promise<CapturedPoint[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const points = host.metrics();
    if (done(points)) return points;
    if (Date.now() > deadline) throw new Error(`metrics not recorded in ${timeoutMs} ms: ${JSON.stringify(points)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
