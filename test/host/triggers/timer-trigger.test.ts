import fs from 'node:fs';
import path from 'node:path';
import { RunningHost, startHost } from '../../../host/src/host';
import { parseTimerSchedule } from '../../../host/src/triggers/timer-schedule';
import { captureLogs, FIXTURE_APPS, tempDir, waitFor, removeWrittenApps, writeApp } from '../worker/host-fixtures';

interface TimerRun {
  functionName: string;
  timer: {
    isPastDue: boolean;
    schedule: { adjustForDST: boolean };
    scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
  };
}

describe('timer trigger', () => {
  afterAll(() => removeWrittenApps());

  let dir: string;
  let resultFile: string;

  beforeAll(() => {
    dir = tempDir('timer-trigger');
    resultFile = path.join(dir, 'runs.jsonl');
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const runs = (functionName: string): TimerRun[] =>
    fs.existsSync(resultFile)
      ? fs
          .readFileSync(resultFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as TimerRun)
          .filter((run) => run.functionName === functionName)
      : [];

  const start = (): Promise<RunningHost> =>
    startHost({
      appDir: path.join(FIXTURE_APPS, 'basic-timer'),
      port: 0,
      dataDir: path.join(dir, 'data'),
      settings: { RESULT_FILE: resultFile, EVERY_SECOND: '* * * * * *' },
      logger: captureLogs().logger,
    });

  it('runs on schedule with runOnStartup and a monitored status', async () => {
    const host = await start();
    try {
      await waitFor(() => (runs('everySecond').length >= 2 ? true : undefined), 10000);
    } finally {
      await host.stop();
    }

    const daily = runs('dailyReport');
    expect(daily).toHaveLength(1);
    expect(daily[0].timer.isPastDue).toBe(false);
    expect(daily[0].timer.schedule).toEqual({ adjustForDST: true });
    // A daily schedule is monitored by default because its interval is at least a minute.
    expect(daily[0].timer.scheduleStatus?.next).toMatch(/T03:00:00\.000Z$/);

    const [first, second] = runs('everySecond');
    expect(first.timer.isPastDue).toBe(false);
    expect(Date.parse(second.timer.scheduleStatus?.last ?? '')).toBeGreaterThan(
      Date.parse(first.timer.scheduleStatus?.last ?? ''),
    );
    expect(first.timer.scheduleStatus?.next).toBe(
      new Date(Date.parse(first.timer.scheduleStatus?.last ?? '') + 1000).toISOString(),
    );
  });

  it('reports a missed occurrence as past due after a restart', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = runs('everySecond').length;
    const host = await start();
    try {
      await waitFor(() => (runs('everySecond').length > before ? true : undefined), 10000);
    } finally {
      await host.stop();
    }
    expect(runs('everySecond')[before].timer.isPastDue).toBe(true);
  });

  it('rejects an invalid schedule at start-up', async () => {
    const appDir = writeApp({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.js': "require('@azure/functions').app.timer('broken', { schedule: '* * *', handler: () => {} });",
    });
    await expect(
      startHost({ appDir, port: 0, dataDir: path.join(dir, 'bad'), logger: captureLogs().logger }),
    ).rejects.toThrow('Function "broken" has an invalid schedule "* * *" (it has 3 fields)');
  });

  it.each([
    ['0 */5 * * * *', '2026-01-01T00:03:10Z', '2026-01-01T00:05:00.000Z'],
    ['0 30 9 * * 1-5', '2026-01-02T10:00:00Z', '2026-01-05T09:30:00.000Z'],
    ['*/15 * * * *', '2026-01-01T00:00:01Z', '2026-01-01T00:15:00.000Z'],
    ['00:00:30', '2026-01-01T00:00:01Z', '2026-01-01T00:00:31.000Z'],
  ])('schedules %p after %p at %p', (schedule, after, expected) => {
    expect(parseTimerSchedule(schedule, 'fn', 'UTC').next(new Date(after))?.toISOString()).toBe(expected);
  });
});
