import fs from 'node:fs';
import path from 'node:path';
import { resolveEntryFiles } from '../../../host/src/worker/app-loader';
import { APP_DIR } from '../../functions/support/host-harness';

/** One metric data point as the capture exporter writes it: a histogram's value is `{ count, sum, min, max, ... }`. */
export interface CapturedPoint {
  name: string;
  attributes: Record<string, string | number | boolean>;
  value: number | { count: number; sum: number; min?: number; max?: number };
}

/**
 * Module that the capture app loads before the Function App. It registers an OpenTelemetry meter provider whose
 * exporter appends every data point as a JSON line to a file, because the app runs in the host's worker thread and
 * its meter provider is not reachable from the test.
 */
function captureModule(apiPath: string, sdkPath: string, outputFile: string): string {
  return `'use strict';
const fs = require('node:fs');
const { metrics } = require(${JSON.stringify(apiPath)});
const { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } = require(${JSON.stringify(sdkPath)});

const exporter = {
  export(resourceMetrics, resultCallback) {
    const lines = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          lines.push(JSON.stringify({ name: metric.descriptor.name, attributes: point.attributes, value: point.value }));
        }
      }
    }
    if (lines.length > 0) fs.appendFileSync(${JSON.stringify(outputFile)}, lines.join('\\n') + '\\n');
    resultCallback({ code: 0 });
  },
  selectAggregationTemporality: () => AggregationTemporality.DELTA,
  forceFlush: async () => {},
  shutdown: async () => {},
};
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 200 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
`;
}

/**
 * Writes an app folder that loads the metric capture module and then every entry file of the Function App, with the
 * Function App's own host.json. Returns the file that receives the captured data points.
 */
export function writeMetricCaptureApp(directory: string): string {
  const outputFile = path.join(directory, 'metrics.jsonl');
  const apiPath = require.resolve('@opentelemetry/api', { paths: [APP_DIR] });
  // The SDK that the Azure Monitor distro itself uses, so the capture runs what production runs.
  const distroPath = require.resolve('@azure/monitor-opentelemetry', { paths: [APP_DIR] });
  const sdkPath = require.resolve('@opentelemetry/sdk-metrics', { paths: [distroPath] });

  const entryFiles = resolveEntryFiles(APP_DIR);
  const entry = ['./capture-metrics.js', ...entryFiles].map((file) => `require(${JSON.stringify(file)});`).join('\n');

  fs.writeFileSync(path.join(directory, 'capture-metrics.js'), captureModule(apiPath, sdkPath, outputFile));
  fs.writeFileSync(path.join(directory, 'entry.js'), `'use strict';\n${entry}\n`);
  fs.writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name: 'metric-capture', main: 'entry.js' }));
  fs.copyFileSync(path.join(APP_DIR, 'host.json'), path.join(directory, 'host.json'));
  return outputFile;
}

/** Reads the data points captured so far. */
export function readCapturedPoints(outputFile: string): CapturedPoint[] {
  if (!fs.existsSync(outputFile)) return [];
  return fs
    .readFileSync(outputFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CapturedPoint);
}
