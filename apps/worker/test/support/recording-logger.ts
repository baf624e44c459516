import { createLogger, type Logger } from '@groundwork/logger';

export interface RecordingLogger {
  readonly logger: Logger;
  /** Every line written, parsed. */
  readonly lines: Record<string, unknown>[];
}

/** The worker's real logger, writing to memory: tests stay quiet and can read what was logged. */
export function recordingLogger(level = 'info'): RecordingLogger {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'worker',
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}
