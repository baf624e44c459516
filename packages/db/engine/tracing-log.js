/**
 * Log lines on stderr in the native engine's `tracing` JSON format.
 *
 * The Prisma CLI reads the engine's stderr line by line, parses each line as JSON and keeps the
 * `fields` of the last ERROR line as the failure it shows to the user (with `error_code` and
 * `message`). Anything else we print there must be valid JSON too, or the CLI drops it.
 */

/** `GROUNDWORK_SCHEMA_ENGINE_DEBUG=1` traces RPC traffic and SQL to stderr. */
export const debugEnabled = !['', '0', 'false', undefined].includes(
  process.env.GROUNDWORK_SCHEMA_ENGINE_DEBUG,
);

/**
 * @param {'INFO' | 'DEBUG' | 'ERROR'} level
 * @param {Record<string, unknown>} fields
 * @param {string} [target]
 */
export function writeLogLine(level, fields, target = 'schema_engine') {
  const line = { timestamp: new Date().toISOString(), level, fields, target };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * @param {string} message
 * @param {Record<string, unknown>} [fields]
 */
export function logInfo(message, fields = {}) {
  writeLogLine('INFO', { message, ...fields });
}

/**
 * The line the CLI turns into its error message: `error_code` is a Prisma code (P1001...) or ''.
 * @param {{ message: string, errorCode?: string, isPanic?: boolean }} error
 */
export function logError({ message, errorCode = '', isPanic = false }) {
  writeLogLine(
    'ERROR',
    { is_panic: isPanic, error_code: errorCode, message },
    'schema_engine::logger',
  );
}

/** @param {...unknown} parts */
export function logDebug(...parts) {
  if (!debugEnabled) return;
  const message = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  writeLogLine('DEBUG', { message });
}
