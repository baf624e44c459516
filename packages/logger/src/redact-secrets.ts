import { stdSerializers } from 'pino';

/** What a secret's value becomes on a log line. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values never reach a log line, compared without case: credentials in bodies and
 * arguments, and the headers that carry them (`Authorization` as well as `authorization`).
 */
const SECRET_KEYS = new Set(
  [
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
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
  ].map((key) => key.toLowerCase()),
);

/** Deeper than any line we write; it also ends the walk of an object that refers to itself. */
const MAX_DEPTH = 8;

/**
 * The log line's fields with every secret's value replaced by `[redacted]`, at any depth down to
 * eight levels, in plain objects, arrays, class instances and errors. One walk over the line's
 * own fields: a line without secrets (nearly all of them) comes back as the same object, and a
 * line with some is copied along the path to each secret, so the caller's objects never change.
 *
 * Why not pino's `redact` option: it matches fixed paths, so covering three levels took 44
 * wildcard paths, which pino runs over every field of every line. A service's request line cost
 * 20-40x a line without redaction that way (150-260 µs against 3-7 µs, 200,000 lines in a loop
 * on the CI machine); with this walk it costs 1.2-2.5x.
 */
export function redactSecrets<T extends object>(line: T): T {
  return redactFields(line, 0) as T;
}

function redactFields(object: object, depth: number): object {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const value = (object as Record<string, unknown>)[key];
    const redacted = SECRET_KEYS.has(key.toLowerCase())
      ? value === undefined
        ? value
        : REDACTED
      : redactValue(value, depth + 1);
    if (redacted !== value) {
      copy ??= { ...object };
      copy[key] = redacted;
    }
  }
  return copy ?? object;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const redacted = redactValue(item, depth + 1);
      if (redacted !== item) {
        copy ??= [...value];
        copy[index] = redacted;
      }
    });
    return copy ?? value;
  }
  if (value instanceof Error) {
    // Only an error that holds a secret is serialized here (as pino's `err` serializer would);
    // the others are left for the logger to serialize as usual.
    const serialized = stdSerializers.err(value);
    const redacted = redactFields(serialized, depth);
    return redacted === serialized ? value : redacted;
  }
  // Dates, Buffers and the like write themselves (toJSON); typed arrays hold no keys of interest.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || ArrayBuffer.isView(value)) {
    return value;
  }
  return redactFields(value, depth);
}
