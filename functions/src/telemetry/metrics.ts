import { Attributes, Counter, Histogram, metrics } from '@opentelemetry/api';
import { MetricName, TelemetryKey } from './names';

/** Instrumentation scope of the app's metrics. */
const METER_NAME = '@fanout/functions';

/** Outcome of one map activity, the `outcome` attribute of `fanout.map.files`. */
export type MapOutcomeKind = 'mapped' | 'failed' | 'error';

/** Identity of a batch run, recorded as attributes on every metric. */
export interface RunIdentity {
  batchId: string;
  instanceId: string;
  runId: string;
}

export interface MapMeasurement extends RunIdentity {
  outcome: MapOutcomeKind;
  durationMs: number;
  /** Present for `mapped` only. */
  bytes?: number;
  rows?: number;
  rejectedRows?: number;
}

export interface BatchMeasurement extends RunIdentity {
  status: string;
  /** Result blob, `results/<batchId>/summary.json`. One value per batch, so it adds no series of its own. */
  result: string;
  durationMs: number;
  /** Files of the whole batch. */
  total: number;
  failed: number;
}

interface Instruments {
  mapDuration: Histogram;
  mapBytes: Counter;
  mapRows: Counter;
  mapRejectedRows: Counter;
  mapFiles: Counter;
  batchDuration: Histogram;
  batchFiles: Counter;
  batchFailedFiles: Counter;
  batchRuns: Counter;
}

let instruments: Instruments | undefined;

/**
 * Creates the instruments on first use rather than at import, so that they bind to the meter provider registered
 * when the app loaded. Without a registered provider the OpenTelemetry API hands out no-op instruments.
 */
function getInstruments(): Instruments {
  if (instruments) return instruments;
  const meter = metrics.getMeter(METER_NAME);
  const milliseconds = { unit: 'ms' };
  instruments = {
    mapDuration: meter.createHistogram(MetricName.mapDuration, milliseconds),
    mapBytes: meter.createCounter(MetricName.mapBytes, { unit: 'By' }),
    mapRows: meter.createCounter(MetricName.mapRows),
    mapRejectedRows: meter.createCounter(MetricName.mapRejectedRows),
    mapFiles: meter.createCounter(MetricName.mapFiles),
    batchDuration: meter.createHistogram(MetricName.batchDuration, milliseconds),
    batchFiles: meter.createCounter(MetricName.batchFiles),
    batchFailedFiles: meter.createCounter(MetricName.batchFailedFiles),
    batchRuns: meter.createCounter(MetricName.batchRuns),
  };
  return instruments;
}

function runAttributes(run: RunIdentity): Attributes {
  return {
    [TelemetryKey.batchId]: run.batchId,
    [TelemetryKey.instanceId]: run.instanceId,
    [TelemetryKey.runId]: run.runId,
  };
}

/** Records one map activity: its duration and outcome, and for a mapped file its bytes, rows and rejected rows. */
export function recordMap(measurement: MapMeasurement): void {
  const meters = getInstruments();
  const attributes = { ...runAttributes(measurement), [TelemetryKey.outcome]: measurement.outcome };

  meters.mapDuration.record(measurement.durationMs, attributes);
  meters.mapFiles.add(1, attributes);
  if (measurement.outcome !== 'mapped') return;

  meters.mapBytes.add(measurement.bytes ?? 0, attributes);
  meters.mapRows.add(measurement.rows ?? 0, attributes);
  meters.mapRejectedRows.add(measurement.rejectedRows ?? 0, attributes);
}

/** Records one batch run that wrote its result: duration, file count, failed files, status and result blob. */
export function recordBatch(measurement: BatchMeasurement): void {
  const meters = getInstruments();
  const attributes = {
    ...runAttributes(measurement),
    [TelemetryKey.status]: measurement.status,
    [TelemetryKey.result]: measurement.result,
  };

  meters.batchDuration.record(measurement.durationMs, attributes);
  meters.batchFiles.add(measurement.total, attributes);
  meters.batchFailedFiles.add(measurement.failed, attributes);
  meters.batchRuns.add(1, attributes);
}
