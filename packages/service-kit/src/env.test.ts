import { loadConfig } from '@groundwork/config';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { serviceEnv, serviceOptionsFromEnv, startOptionsFromEnv } from './env.ts';

const schema = Type.Object({ ...serviceEnv({ port: 3002 }) });

describe('serviceEnv', () => {
  it('when nothing is set, then the service starts on its default port with safe limits', () => {
    const config = loadConfig(schema, {});

    expect(startOptionsFromEnv(config)).toEqual({
      host: '0.0.0.0',
      port: 3002,
      readinessDelayMs: 0,
      drainTimeoutMs: 10_000,
    });
    expect(serviceOptionsFromEnv(config)).toMatchObject({
      corsOrigins: [],
      bodyLimitBytes: 1024 * 1024,
      logLevel: 'info',
    });
  });

  it('when the variables are set, then they reach the service and start options', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      CORS_ORIGINS: 'https://app.example.com,https://admin.example.com',
      BODY_LIMIT_BYTES: '2048',
      SHUTDOWN_READINESS_DELAY_MS: '5000',
      MAX_HEAP_USED_BYTES: '536870912',
    });

    expect(startOptionsFromEnv(config)).toMatchObject({ port: 8080, readinessDelayMs: 5000 });
    expect(serviceOptionsFromEnv(config)).toMatchObject({
      corsOrigins: ['https://app.example.com', 'https://admin.example.com'],
      bodyLimitBytes: 2048,
      loadShedding: { maxHeapUsedBytes: 536870912 },
    });
  });

  it('when a limit is not a number, then loading fails naming the variable', () => {
    expect(() => loadConfig(schema, { BODY_LIMIT_BYTES: 'lots' })).toThrow(/BODY_LIMIT_BYTES/);
  });
});
