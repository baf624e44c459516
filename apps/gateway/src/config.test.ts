import { describe, expect, test } from 'vitest';
import { loadGatewayConfig } from './config.ts';

describe('gateway config', () => {
  test('when no variable is set, then the defaults follow the runtime contract', () => {
    const config = loadGatewayConfig({});

    expect(config).toMatchObject({
      PORT: 3000,
      IDENTITY_URL: 'http://127.0.0.1:3001',
      ORDERS_URL: 'http://127.0.0.1:3002',
      JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRUSTED_PROXIES: [],
    });
    expect(config.AUTH_RATE_LIMIT_MAX).toBeLessThan(config.RATE_LIMIT_MAX);
  });

  test('when a URL is not http(s), then loading names the variable', () => {
    expect(() => loadGatewayConfig({ JWKS_URL: 'identity:3001/jwks' })).toThrow(/^JWKS_URL: /);
  });
});
