import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import { describe, expect, test } from 'vitest';
import { env } from './env.ts';
import { ConfigError, loadConfig } from './load-config.ts';

const schema = Type.Object({
  PORT: env.port(3002),
  LOG_LEVEL: env.logLevel(),
  DATABASE_URL: env.databaseUrl('orders'),
  CORS_ORIGINS: env.list(),
  FEATURE_ON: Type.Boolean({ default: false }),
  API_SECRET: Type.String({ minLength: 16 }),
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('when only required variables are set, then defaults reach the local services', () => {
    const config = loadConfig(schema, { API_SECRET: 'a-secret-of-16-chars' });
    expect(config).toEqual({
      PORT: 3002,
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/groundwork_orders',
      CORS_ORIGINS: [],
      FEATURE_ON: false,
      API_SECRET: 'a-secret-of-16-chars',
    });
  });

  test('when variables are strings, then numbers, booleans and lists are coerced', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      FEATURE_ON: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example,',
      API_SECRET: 'a-secret-of-16-chars',
    });
    expect(config.PORT).toBe(8080);
    expect(config.FEATURE_ON).toBe(true);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  test('when the config is loaded, then it is deeply frozen', () => {
    const config = loadConfig(schema, { API_SECRET: 'a-secret-of-16-chars', CORS_ORIGINS: 'x' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.CORS_ORIGINS)).toBe(true);
  });

  test('when a required variable is missing, then the error names it in one line', () => {
    const error = configError(() => loadConfig(schema, {}));
    expect(error.variable).toBe('API_SECRET');
    expect(error.message).toBe('API_SECRET: is required but not set');
  });

  test('when a number is malformed, then the error names the variable and the bad value', () => {
    const error = configError(() =>
      loadConfig(schema, { PORT: 'eighty', API_SECRET: 'a-secret-of-16-chars' }),
    );
    expect(error.variable).toBe('PORT');
    expect(error.message).toMatch(/^PORT: .*"eighty"/);
    expect(error.message).not.toContain('\n');
  });

  test('when a port is out of range, then the error names the variable', () => {
    const error = configError(() =>
      loadConfig(schema, { PORT: '70000', API_SECRET: 'a-secret-of-16-chars' }),
    );
    expect(error.message).toMatch(/^PORT: must be <= 65535/);
  });

  test('when a URL with a password is malformed, then the message hides the password', () => {
    const error = configError(() =>
      loadConfig(schema, {
        DATABASE_URL: 'mysql://app:hunter2@db/x',
        API_SECRET: 'a-secret-of-16-chars',
      }),
    );
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('app:***@');
  });

  test('when NAME_FILE is set, then NAME is read from the file, trimmed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const file = join(dir, 'secret');
    writeFileSync(file, 'from-a-mounted-secret\n');
    const config = loadConfig(schema, { API_SECRET_FILE: file });
    expect(config.API_SECRET).toBe('from-a-mounted-secret');
  });

  test('when NAME_FILE names a missing file, then the error names NAME_FILE', () => {
    const error = configError(() => loadConfig(schema, { API_SECRET_FILE: '/nonexistent/secret' }));
    expect(error.variable).toBe('API_SECRET_FILE');
    expect(error.message).toBe('API_SECRET_FILE: cannot read /nonexistent/secret (ENOENT)');
  });

  test('when both NAME and NAME_FILE are set, then loading refuses the ambiguity', () => {
    const error = configError(() =>
      loadConfig(schema, { API_SECRET: 'a-secret-of-16-chars', API_SECRET_FILE: '/x' }),
    );
    expect(error.message).toBe('API_SECRET: set both API_SECRET and API_SECRET_FILE; keep one');
  });

  test('when a log level is not one of pino levels, then the error names LOG_LEVEL', () => {
    const error = configError(() =>
      loadConfig(schema, { LOG_LEVEL: 'loud', API_SECRET: 'a-secret-of-16-chars' }),
    );
    expect(error.message).toBe(
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
  });

  describe('REQUIRE_TLS', () => {
    const datastores = Type.Object({
      REQUIRE_TLS: env.requireTls(),
      DATABASE_URL: env.databaseUrl('orders'),
      REDIS_URL: env.redisUrl(),
    });
    const secure = {
      REQUIRE_TLS: 'true',
      DATABASE_URL: 'postgresql://orders:s3cret@db.internal:5432/orders?sslmode=verify-full',
      REDIS_URL: 'rediss://:s3cret@cache.internal:6380',
    };

    test('when a production database URL does not ask for verified TLS, then the service refuses to start', () => {
      for (const [url, got] of [
        ['postgresql://orders:s3cret@db.internal:5432/orders', 'no sslmode'],
        ['postgresql://orders:s3cret@db.internal:5432/orders?sslmode=require', 'sslmode=require'],
        ['postgresql://orders:s3cret@db.internal/orders?sslmode=verify-ca', 'sslmode=verify-ca'],
      ] as const) {
        const error = configError(() => loadConfig(datastores, { ...secure, DATABASE_URL: url }));
        expect(error.variable).toBe('DATABASE_URL');
        expect(error.message).toBe(
          `DATABASE_URL: REQUIRE_TLS is on: add ?sslmode=verify-full to the URL (got ${got}), so the server's certificate and name are verified`,
        );
        expect(error.message).not.toContain('s3cret');
      }
    });

    test('when a production Redis URL is redis://, then the service refuses to start naming REDIS_URL', () => {
      const error = configError(() =>
        loadConfig(datastores, { ...secure, REDIS_URL: 'redis://:s3cret@cache.internal:6379' }),
      );
      expect(error.message).toBe(
        'REDIS_URL: REQUIRE_TLS is on: use a rediss:// URL (TLS to Redis)',
      );
    });

    test('when every URL asks for verified TLS, or REQUIRE_TLS is off, then the config loads', () => {
      expect(loadConfig(datastores, secure)).toMatchObject({ REQUIRE_TLS: true });
      expect(loadConfig(datastores, {})).toEqual({
        REQUIRE_TLS: false,
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/groundwork_orders',
        REDIS_URL: 'redis://127.0.0.1:6379',
      });
    });
  });
});
