import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { redactSecrets } from './redact-secrets.ts';
import { traceFields } from './trace-fields.ts';

export interface LoggerOptions {
  /** Shown as `service` on every line, so lines from several apps can be told apart. */
  readonly service: string;
  readonly level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

/**
 * Creates the JSON logger every Groundwork process uses: secrets redacted, ISO timestamps, the
 * level as a word, the service name on each line, and `traceId`/`spanId` on each line written
 * inside a span.
 *
 * @example
 * const logger = createLogger({ service: 'orders', level: config.LOG_LEVEL });
 * logger.info({ orderId }, 'order placed');
 */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: PinoOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: redactSecrets,
    },
    mixin: traceFields,
  };
  const logger = options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
  return redactingChildBindings(logger);
}

/**
 * A child logger's bindings are written on each of its lines but never pass `formatters.log`
 * (pino applies `formatters.bindings` to the root's only): redact them when the child is made.
 * Children are created from their parent's prototype, so every descendant gets this `child`.
 */
function redactingChildBindings(logger: Logger): Logger {
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
