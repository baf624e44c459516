import type { QueueLogger } from '../../src/queue-logger.ts';

export interface RecordingLogger extends QueueLogger {
  readonly lines: { level: string; msg: string; context: object }[];
}

/** A logger that keeps lines in memory, so tests stay quiet and can assert on what was logged. */
export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at =
    (level: string) =>
    (context: object, msg = ''): void => {
      lines.push({ level, msg, context });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') } as RecordingLogger;
}
