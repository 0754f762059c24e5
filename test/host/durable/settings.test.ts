import { readDurableSettings } from '../../../host/src/durable/settings';
import { formatTimeSpan, parseTimeSpan } from '../../../host/src/durable/timespan';

describe('durable settings', () => {
  it('applies the extension defaults', () => {
    const settings = readDurableSettings({ hubName: 'MyHub' });
    expect(settings.hubName).toBe('MyHub');
    expect(settings.maximumShortTimerDurationMs).toBe(6 * 24 * 3600 * 1000);
    expect(settings.longRunningTimerIntervalMs).toBe(3 * 24 * 3600 * 1000);
    expect(settings.defaultAsyncRequestSleepTimeMs).toBe(30000);
    expect(settings.maxOrchestrationActions).toBe(100000);
    expect(settings.overrideRunningInstances).toBe(false);
    expect(settings.maxActivityOutputBytes).toBe(1024 * 1024);
  });

  it('reads timer limits as TimeSpan text', () => {
    const settings = readDurableSettings({
      hubName: 'MyHub',
      maximumShortTimerDuration: '00:00:02',
      longRunningTimerIntervalDuration: '00:00:01.500',
      overridableExistingInstanceStates: 'AnyState',
    });
    expect(settings.maximumShortTimerDurationMs).toBe(2000);
    expect(settings.longRunningTimerIntervalMs).toBe(1500);
    expect(settings.overrideRunningInstances).toBe(true);
  });

  it.each([
    [{ hubName: 'a b' }, 'hubName'],
    [{ hubName: 'Hub1', maxConcurrentActivityFunctions: 0 }, 'maxConcurrentActivityFunctions: 0'],
    [{ hubName: 'Hub1', maximumShortTimerDuration: 'soon' }, 'maximumShortTimerDuration: "soon"'],
    [
      { hubName: 'Hub1', maximumShortTimerDuration: '00:00:01', longRunningTimerIntervalDuration: '00:00:02' },
      'must not exceed',
    ],
  ])('rejects %j naming the setting', (input, fragment) => {
    expect(() => readDurableSettings(input)).toThrow(fragment);
  });

  it('formats TimeSpan text the SDK parses back', () => {
    expect(formatTimeSpan(3 * 24 * 3600 * 1000)).toBe('3.00:00:00');
    expect(formatTimeSpan(1500)).toBe('0.00:00:01.500');
    expect(parseTimeSpan(formatTimeSpan(90061001), 'x')).toBe(90061001);
  });
});
