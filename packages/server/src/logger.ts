import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** JSON lines on stdout. Message contents are never logged, only their shape and counts. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'jobstream' } });
}
