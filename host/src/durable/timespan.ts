import { InvalidSettingError } from './errors';

const timeSpanPattern = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Parses a .NET TimeSpan text (`d.hh:mm:ss[.fffffff]`) or a number of milliseconds. */
export function parseTimeSpan(value: unknown, setting: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    return value;
  }
  const match = typeof value === 'string' ? timeSpanPattern.exec(value) : null;
  if (!match) {
    throw new InvalidSettingError(
      `Invalid ${setting}: ${JSON.stringify(value)}. Use a TimeSpan such as "3.00:00:00" or "00:00:05", or a number of milliseconds.`,
    );
  }
  const [, days, hours, minutes, seconds, fraction] = match;
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  const ms = ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60000 + Number(seconds) * 1000;
  return ms + fractionMs;
}

/** Formats milliseconds as a .NET TimeSpan text, the form the SDK parses with moment. */
export function formatTimeSpan(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const millis = Math.round(ms - totalSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const base = `${days}.${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  return millis > 0 ? `${base}.${String(millis).padStart(3, '0')}` : base;
}
