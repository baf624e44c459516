import { createLogger, type Logger } from '@groundwork/logger';

/** The part of a pino logger that producers and workers use. */
export type QueueLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** The logger of a producer or worker that was given none: JSON lines on stdout, as every app. */
export function defaultQueueLogger(service: string): QueueLogger {
  return createLogger({ service });
}
