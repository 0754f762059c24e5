import fs from 'node:fs';
import path from 'node:path';
import { HOST_CONNECTION, TASK_HUB_SETTING } from '../../functions/src/settings';
import { PIPELINE_QUERIES } from '../../infra/workbook/queries';

interface HostJson {
  extensions: { durableTask: { hubName?: string; storageProvider?: { connectionName?: string } } };
  logging: { logLevel: Record<string, string> };
}

const hostJson = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../functions/host.json'), 'utf8')) as HostJson;
const durableTask = hostJson.extensions.durableTask;

/** Log levels from most to least verbose, as host.json names them. */
const LEVELS = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical', 'None'];

describe('host.json against the stack', () => {
  it('reads the task hub from the app setting', () => {
    expect(durableTask.hubName).toBe(`%${TASK_HUB_SETTING}%`);
  });

  it('keeps the task hub on the host connection', () => {
    expect(durableTask.storageProvider?.connectionName ?? HOST_CONNECTION).toBe(HOST_CONNECTION);
  });

  it('logs the Durable lifecycle the workbook queries', () => {
    const category = 'Host.Triggers.DurableTask';
    const level = hostJson.logging.logLevel[category] ?? hostJson.logging.logLevel.default;

    expect(PIPELINE_QUERIES.some((query) => query.query.includes(`"${category}"`))).toBe(true);
    expect(LEVELS.indexOf(level)).toBeGreaterThanOrEqual(0);
    expect(LEVELS.indexOf(level)).toBeLessThanOrEqual(LEVELS.indexOf('Information'));
  });
});
