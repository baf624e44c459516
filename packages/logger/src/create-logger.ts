import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { redactSecrets } from './redact-secrets.ts';
import { traceFields } from './trace-fields.ts';

export interface LoggerOptions {
  /** Shown as `service` on every line, so lines from several apps can be told apart. */
  readonly service: string;
  readonly level?: string;
  /** Where lines go; stdout, written synchronously, by default. Tests pass a stream to read lines. */
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
  const logger = pino(pinoOptions, options.destination ?? stdout());
  return redactingChildBindings(logger);
}

/**
 * Stdout, one write per line before the logging call returns. Pino's default is asynchronous
 * (each line handed to libuv's thread pool): a line logged just before a crash can be lost, and
 * measured with `npm run telemetry-cost -w @groundwork/bench` (TELEMETRY_COST_VARIANTS=off,off@<base>,
 * 16 rounds), it cost more CPU per cached read through the gateway than writing at once: gateway
 * 351 → 319 µs, orders 196 → 154 µs. A collector that stops reading then slows the process
 * (backpressure on a full pipe) instead of growing its memory.
 */
function stdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
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
