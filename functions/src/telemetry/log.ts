import { InvocationContext } from '@azure/functions';
import './app-telemetry';
import { LogEventName } from './names';

export type LogFields = Record<string, string | number | boolean | undefined | null>;
export type LogLevel = 'info' | 'warn' | 'error';

/** The part of an InvocationContext that logging needs. */
export type EventLogger = Pick<InvocationContext, LogLevel>;

/**
 * Writes one structured line through the invocation context, so it reaches Application Insights as a trace with the
 * function's category: the constant event name, a space, then the fields as JSON.
 */
export function logEvent(context: EventLogger, level: LogLevel, event: LogEventName, fields: LogFields): void {
  context[level](`${event} ${JSON.stringify(fields)}`);
}

/** Parses a line written by `logEvent`; returns undefined for other lines. */
export function parseLogLine(line: string): { event: string; fields: LogFields } | undefined {
  const match = /^([a-z]+\.[a-z-]+) (\{.*\})$/s.exec(line);
  if (!match) return undefined;
  try {
    return { event: match[1], fields: JSON.parse(match[2]) as LogFields };
  } catch {
    return undefined;
  }
}
