import { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';

/** What a logger wrote, one parsed JSON object per line, and the destination that keeps them. */
export interface RecordedLines {
  readonly lines: Record<string, unknown>[];
  readonly destination: DestinationStream;
}

/**
 * A destination that keeps every line written to it, parsed: for tests that check what was
 * logged. Pass it as `createLogger({ service, destination })`.
 *
 * @example
 * const { lines, destination } = recordLines();
 * const logger = createLogger({ service: 'orders', destination });
 * logger.warn({ orderId }, 'slow');
 * expect(lines[0]).toMatchObject({ level: 'warn', orderId });
 */
export function recordLines(): RecordedLines {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, destination };
}
