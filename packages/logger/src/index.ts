export type { Logger } from 'pino';
export { createLogger, type LoggerOptions } from './create-logger.ts';
export { type RecordedLines, recordLines } from './record-lines.ts';
export { traceFields } from './trace-fields.ts';
