import type { Level, Logger } from 'pino';
import type { LogLevel, WorkerToHost } from './protocol';

const PINO_LEVELS: Record<LogLevel, Level | undefined> = {
  trace: 'trace',
  debug: 'debug',
  information: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'fatal',
  none: undefined,
};

/** Writes a log record from the app to the host's logger, with the function name and invocation id. */
export function logFromWorker(logger: Logger, record: Extract<WorkerToHost, { type: 'log' }>): void {
  const level = PINO_LEVELS[record.level] ?? (record.level === 'none' ? undefined : 'info');
  if (!level) return;
  const fields: Record<string, string> = { category: record.category };
  if (record.functionName) fields.functionName = record.functionName;
  if (record.invocationId) fields.invocationId = record.invocationId;
  logger[level](fields, record.message);
}
