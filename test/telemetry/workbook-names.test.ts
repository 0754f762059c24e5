/**
 * Every telemetry name that the deployed workbook queries must be one that the Function App emits. The test parses
 * the names out of the synthesized workbook and runs batches on the local host. The app's log lines come from the
 * host's output and its metrics from an OpenTelemetry meter provider inside the app's worker. As a second line, each
 * name must be referenced in the app's source. The host loads `functions/dist`, so build the app first (`npm test`
 * does).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseLogLine } from '../../functions/src/telemetry/log';
import * as appNames from '../../functions/src/telemetry/names';
import * as infraNames from '../../infra/workbook/telemetry-names';
import { csvFile, makeRows, SALES_MANIFEST, uploadBatch } from '../functions/support/batch-data';
import { APP_DIR, waitForBatch } from '../functions/support/host-harness';
import { CapturedPoint } from './support/metric-capture-app';
import { startTelemetryHost, TelemetryHost, waitForMetrics } from './support/telemetry-host';
import { synthesizedWorkbookSteps } from './support/workbook-names';

const { LogEvent, MetricName } = appNames;

const steps = synthesizedWorkbookSteps();
const queriedNames = [...new Set(steps.flatMap((step) => step.names))].sort();
const fieldReads = steps.flatMap((step) => step.logFields.map((key) => [step.step, key] as const));
const attributeReads = steps.flatMap((step) => step.metricAttributes.map((key) => [step.step, key] as const));

describe('workbook telemetry names', () => {
  it('infra copy equals the app names', () => {
    expect(infraNames.LogEvent).toEqual(appNames.LogEvent);
    expect(infraNames.MetricName).toEqual(appNames.MetricName);
    expect(infraNames.TelemetryKey).toEqual(appNames.TelemetryKey);
  });

  it('workbook queries app log events and metrics', () => {
    expect(queriedNames).toContain(LogEvent.mapCompleted);
    expect(queriedNames).toContain(MetricName.mapFiles);
    expect(fieldReads.length).toBeGreaterThan(0);
    expect(attributeReads.length).toBeGreaterThan(0);
  });

  describe('emitted by a batch on the local host', () => {
    const batchId = 'telemetry-names';
    /** A run that fails before mapping logs the batch error. */
    const invalidBatchId = 'telemetry-invalid';
    let host: TelemetryHost;
    let events: { event: string; fields: Record<string, unknown> }[];
    let points: CapturedPoint[];

    beforeAll(async () => {
      host = await startTelemetryHost();
      const withRejectedRow = csvFile('b.csv', makeRows(2, 10));
      withRejectedRow.content += 'eu,not-a-number,1\n';
      const files = [
        csvFile('a.csv', makeRows(1, 20)),
        withRejectedRow,
        { name: 'broken.csv', content: 'region,amount\neu,1\n', rows: [] },
      ];
      await uploadBatch(host.blobs, batchId, files, { ...SALES_MANIFEST, toleratedFailurePercentage: 50 });
      await uploadBatch(host.blobs, invalidBatchId, [csvFile('a.csv', makeRows(3, 2))], { metrics: 'amount' });

      await waitForBatch(host, batchId);
      await waitForBatch(host, invalidBatchId);
      const runRecorded = (captured: CapturedPoint[], id: string) =>
        captured.some((point) => point.name === MetricName.batchRuns && point.attributes.batchId === id);
      points = await waitForMetrics(host, (captured) =>
        [batchId, invalidBatchId].every((id) => runRecorded(captured, id)),
      );
      events = host.logs.flatMap((line) => {
        const parsed = typeof line.msg === 'string' ? parseLogLine(line.msg) : undefined;
        return parsed ? [parsed] : [];
      });
    });

    afterAll(() => host?.stop());

    const emittedNames = () => new Set([...events.map((line) => line.event), ...points.map((point) => point.name)]);

    it.each(queriedNames)('%s is emitted', (name) => {
      expect([...emittedNames()]).toContain(name);
    });

    it.each(fieldReads)('%s reads logged field %s', (step, key) => {
      const names = steps.find((candidate) => candidate.step === step)?.names ?? [];
      const logged = events.filter((line) => names.includes(line.event)).flatMap((line) => Object.keys(line.fields));
      expect(logged).toContain(key);
    });

    it.each(attributeReads)('%s reads metric attribute %s', (step, key) => {
      const names = steps.find((candidate) => candidate.step === step)?.names ?? [];
      const recorded = points
        .filter((point) => names.includes(point.name))
        .flatMap((point) => Object.keys(point.attributes));
      expect(recorded).toContain(key);
    });

    const sumOf = (name: string) =>
      points.filter((point) => point.name === name).reduce((total, point) => total + Number(point.value), 0);
    const loggedSum = (field: string) =>
      events
        .filter((line) => line.event === LogEvent.mapCompleted)
        .reduce((total, line) => total + Number(line.fields[field]), 0);

    it('map bytes metric equals the logged bytes', () => {
      expect(sumOf(MetricName.mapBytes)).toBe(loggedSum('bytes'));
    });

    it('map rows metrics count rows and rejected rows', () => {
      expect(sumOf(MetricName.mapRows)).toBe(31);
      expect(sumOf(MetricName.mapRejectedRows)).toBe(1);
    });

    it('map files metric counts each outcome', () => {
      const outcomes: Record<string, number> = {};
      for (const point of points.filter((candidate) => candidate.name === MetricName.mapFiles)) {
        const outcome = String(point.attributes.outcome);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + Number(point.value);
      }
      expect(outcomes).toEqual({ mapped: 2, failed: 1 });
    });

    it('batch metrics carry the batch and instance ids', () => {
      const runs = points.filter((point) => point.name === MetricName.batchRuns).map((point) => point.attributes);
      expect(runs).toContainEqual(
        expect.objectContaining({ batchId, instanceId: `batch-${batchId}`, status: 'completed' }),
      );
    });

    it('batch duration is one histogram record', () => {
      const duration = points.find(
        (point) => point.name === MetricName.batchDuration && point.attributes.batchId === batchId,
      )?.value;
      expect(duration).toMatchObject({ count: 1 });
    });

    it('failed run logs its error', () => {
      const completed = events.find(
        (line) => line.event === LogEvent.orchestrationCompleted && line.fields.batchId === invalidBatchId,
      );
      expect(completed?.fields).toMatchObject({ status: 'failed', instanceId: `batch-${invalidBatchId}` });
      expect(completed?.fields.error).toContain('"metrics"');
    });

    it('result log names the summary blob', () => {
      const written = events.find((line) => line.event === LogEvent.resultWritten && line.fields.batchId === batchId);
      expect(written?.fields).toMatchObject({
        batchId,
        total: 3,
        failed: 1,
        result: `results/${batchId}/summary.json`,
      });
    });
  });

  describe('app source', () => {
    const sources = fs
      .readdirSync(path.join(APP_DIR, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== path.join('telemetry', 'names.ts'))
      .map((file) => fs.readFileSync(path.join(APP_DIR, 'src', file), 'utf8'))
      .join('\n');

    /** `LogEvent.<key>` or `MetricName.<key>` for a name value, or undefined when the names module lacks it. */
    function reference(name: string): string | undefined {
      for (const [group, values] of [
        ['LogEvent', LogEvent],
        ['MetricName', MetricName],
      ] as const) {
        const key = Object.entries(values).find(([, value]) => value === name)?.[0];
        if (key) return `${group}.${key}`;
      }
      return undefined;
    }

    it.each(queriedNames)('%s is referenced by the app', (name) => {
      const used = reference(name);
      expect(used).toBeDefined();
      expect(sources).toContain(used);
    });
  });
});
