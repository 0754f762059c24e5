import { ConfigurationError } from './errors';

/**
 * Converts a host.json duration to milliseconds. Accepts a number of milliseconds or a .NET TimeSpan string
 * (`hh:mm:ss`, `d.hh:mm:ss`, optional `.fffffff` fraction), the two forms the Functions host accepts.
 */
export function parseDuration(value: unknown, settingName: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;

  const match =
    typeof value === 'string' ? /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value) : null;
  if (!match) {
    throw new ConfigurationError(
      `host.json ${settingName} is ${JSON.stringify(value)}: use a TimeSpan such as "00:00:05" or milliseconds`,
    );
  }

  const [, days, hours, minutes, seconds, fraction] = match;
  const wholeSeconds = Number(days ?? 0) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  return wholeSeconds * 1000 + fractionMs;
}
