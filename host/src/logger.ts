import pino, { DestinationStream, Logger } from 'pino';

export interface LoggerOptions {
  /** Lowest level written. @default process.env.LOG_LEVEL or 'info' */
  level?: string;
  /** Where JSON lines go. @default stdout */
  destination?: DestinationStream;
}

/** Creates the host's logger: JSON lines, one per record, with `component` naming the host part. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino({ level, base: { component: 'host' } }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
