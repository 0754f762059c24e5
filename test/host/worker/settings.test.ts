import fs from 'node:fs';
import path from 'node:path';
import { readHostJson } from '../../../host/src/config/host-json';
import { mergeSettings, readLocalSettings } from '../../../host/src/config/local-settings';
import { parseDuration } from '../../../host/src/config/timespan';
import { tempDir } from './host-fixtures';

describe('app settings and host.json', () => {
  let appDir: string;

  beforeEach(() => {
    appDir = tempDir('settings');
  });

  afterEach(() => {
    fs.rmSync(appDir, { recursive: true, force: true });
  });

  const write = (file: string, value: unknown) =>
    fs.writeFileSync(path.join(appDir, file), typeof value === 'string' ? value : JSON.stringify(value));

  it('reads local.settings.json Values as strings', () => {
    write('local.settings.json', { IsEncrypted: false, Values: { A: 'one', B: 2, C: true, D: null } });
    expect(readLocalSettings(appDir)).toEqual({ A: 'one', B: '2', C: 'true' });
  });

  it('treats a missing local.settings.json as no settings', () => {
    expect(readLocalSettings(appDir)).toEqual({});
  });

  it('names the file when local.settings.json is not JSON', () => {
    write('local.settings.json', '{ "Values": ');
    expect(() => readLocalSettings(appDir)).toThrow(`invalid JSON in ${path.join(appDir, 'local.settings.json')}`);
  });

  it('rejects an encrypted local.settings.json', () => {
    write('local.settings.json', { IsEncrypted: true, Values: {} });
    expect(() => readLocalSettings(appDir)).toThrow('is encrypted: decrypt it with "func settings decrypt" first');
  });

  it('lets the environment win over local settings and overrides win over both', () => {
    const merged = mergeSettings({ A: 'local', B: 'local', C: 'local' }, { B: 'env', C: 'env' }, { C: 'override' });
    expect(merged).toEqual({ A: 'local', B: 'env', C: 'override' });
  });

  it('fills host.json defaults as the Functions host does', () => {
    const hostJson = readHostJson(appDir, {});
    expect(hostJson.routePrefix).toBe('api');
    expect(hostJson.queues).toEqual({
      batchSize: 16,
      newBatchThreshold: 8,
      maxPollingIntervalMs: 60000,
      visibilityTimeoutMs: 0,
      maxDequeueCount: 5,
      messageEncoding: 'base64',
    });
    expect(hostJson.durableTask).toEqual({});
  });

  it('reads routePrefix, queue options and durableTask with setting references', () => {
    write('host.json', {
      version: '2.0',
      extensions: {
        http: { routePrefix: '/v1/' },
        queues: { batchSize: 4, maxPollingInterval: '00:00:02', visibilityTimeout: 1500, messageEncoding: 'None' },
        durableTask: { hubName: '%HUB%', storageProvider: { connectionStringName: 'Storage' } },
      },
    });
    const hostJson = readHostJson(appDir, { HUB: 'MyHub' });
    expect(hostJson.routePrefix).toBe('v1');
    expect(hostJson.queues).toMatchObject({
      batchSize: 4,
      newBatchThreshold: 2,
      maxPollingIntervalMs: 2000,
      visibilityTimeoutMs: 1500,
      messageEncoding: 'none',
    });
    expect(hostJson.durableTask).toEqual({ hubName: 'MyHub', storageProvider: { connectionStringName: 'Storage' } });
  });

  it('reads functionTimeout, with -1 meaning no limit', () => {
    write('host.json', { functionTimeout: '00:10:00' });
    expect(readHostJson(appDir, {}).functionTimeoutMs).toBe(600000);
    write('host.json', { functionTimeout: '-1' });
    expect(readHostJson(appDir, {}).functionTimeoutMs).toBeUndefined();
  });

  it('names a setting reference that is not set', () => {
    write('host.json', { extensions: { durableTask: { hubName: '%MISSING_HUB%' } } });
    expect(() => readHostJson(appDir, {})).toThrow(
      'host.json extensions.durableTask.hubName refers to app setting %MISSING_HUB%, which is not set',
    );
  });

  it('rejects an unknown message encoding and an out-of-range batch size', () => {
    write('host.json', { extensions: { queues: { messageEncoding: 'utf8' } } });
    expect(() => readHostJson(appDir, {})).toThrow('messageEncoding is "utf8": use "base64" or "none"');
    write('host.json', { extensions: { queues: { batchSize: 64 } } });
    expect(() => readHostJson(appDir, {})).toThrow('batchSize is 64: use an integer from 1 to 32');
  });

  it.each([
    ['00:00:05', 5000],
    ['1.02:00:00', 93600000],
    ['00:00:00.250', 250],
    [750, 750],
  ])('parses the duration %p', (value, expected) => {
    expect(parseDuration(value, 'x')).toBe(expected);
  });

  it('rejects a duration that is not a TimeSpan', () => {
    expect(() => parseDuration('5s', 'extensions.queues.maxPollingInterval')).toThrow(
      'host.json extensions.queues.maxPollingInterval is "5s": use a TimeSpan such as "00:00:05" or milliseconds',
    );
  });
});
