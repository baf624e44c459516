export type { Logger } from 'pino';
export { createLogger, type LoggerOptions } from './create-logger.ts';
export { traceFields } from './trace-fields.ts';
