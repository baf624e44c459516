import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { traceFields } from './trace-fields.ts';

/** Keys whose values never reach a log line, at any of the depths where they usually sit. */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'secret',
  'clientSecret',
  'apiKey',
  'privateKey',
];

const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

/**
 * pino's redaction matches fixed paths (no recursive wildcard), so the list spells out the
 * places secrets appear: request and response headers, and keys up to three levels deep.
 */
export const redactPaths: readonly string[] = [
  ...SECRET_HEADERS.map((header) => `req.headers["${header}"]`),
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
];

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
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...redactPaths], censor: '[redacted]' },
    mixin: traceFields,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
