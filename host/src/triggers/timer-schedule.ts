import { Cron } from 'croner';
import { ConfigurationError } from '../config/errors';
import { parseDuration } from '../config/timespan';

/** A timer trigger schedule: an NCRONTAB expression or a constant TimeSpan interval. */
export interface TimerSchedule {
  /** Next occurrence strictly after `after`, or undefined when the expression has no more occurrences. */
  next(after: Date): Date | undefined;
  /** Milliseconds between the next two occurrences, used to pick the `useMonitor` default. */
  intervalMs(now: Date): number;
}

/**
 * Parses a timer `schedule` as the Functions host does: `hh:mm:ss` is a constant interval from the previous
 * run, anything else an NCRONTAB expression (`{second} {minute} {hour} {day} {month} {day-of-week}`, or five
 * fields without seconds), evaluated in `timeZone`.
 */
export function parseTimerSchedule(schedule: string, functionName: string, timeZone: string): TimerSchedule {
  if (/^\d+(\.\d+)?:\d{1,2}:\d{1,2}$/.test(schedule.trim())) return intervalSchedule(schedule, functionName);

  const fields = schedule.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw invalidSchedule(schedule, functionName, `it has ${fields} fields`);
  }
  let cron: Cron;
  try {
    cron = new Cron(schedule, { paused: true, timezone: timeZone });
  } catch (error) {
    throw invalidSchedule(schedule, functionName, (error as Error).message);
  }
  const next = (after: Date) => cron.nextRun(after) ?? undefined;
  return {
    next,
    intervalMs: (now) => {
      const first = next(now);
      const second = first && next(first);
      return first && second ? second.getTime() - first.getTime() : Number.POSITIVE_INFINITY;
    },
  };
}

function intervalSchedule(schedule: string, functionName: string): TimerSchedule {
  const interval = parseDuration(schedule.trim(), `schedule of function "${functionName}"`);
  if (interval <= 0) throw invalidSchedule(schedule, functionName, 'the interval is zero');
  return { next: (after) => new Date(after.getTime() + interval), intervalMs: () => interval };
}

function invalidSchedule(schedule: string, functionName: string, reason: string): ConfigurationError {
  return new ConfigurationError(
    `Function "${functionName}" has an invalid schedule "${schedule}" (${reason}): use an NCRONTAB expression such as "0 */5 * * * *" or a TimeSpan such as "00:05:00"`,
  );
}
