import pino, { DestinationStream, Logger } from 'pino';

export interface LoggerOptions {
  /** Lowest level written. @default process.env.LOG_LEVEL or 'info' */
  level?: string;
  /** Destination of the JSON lines. @default stdout */
  destination?: DestinationStream;
}

/** Creates the host's logger: JSON lines, one per record. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino({ level, base: undefined }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
