import fs from 'node:fs';
import path from 'node:path';
import { BatchHost, startBatchHost } from '../../functions/support/host-harness';
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
 * Starts the batch host with the Function App behind a metric capture module, in its own task hub and without
 * Application Insights settings. The host's log output (the app's log lines included) is collected in `logs`.
 */
export async function startTelemetryHost(): Promise<TelemetryHost> {
  let metricsFile = '';
  const host = await startBatchHost({
    tempPrefix: 'telemetry-names-',
    taskHub: 'telemetrytests',
    env: environmentWithoutAzureMonitor(),
    prepareApp: (workDir) => {
      const appDir = path.join(workDir, 'app');
      fs.mkdirSync(appDir);
      metricsFile = writeMetricCaptureApp(appDir);
      return appDir;
    },
  });
  return { ...host, metrics: () => readCapturedPoints(metricsFile) };
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
