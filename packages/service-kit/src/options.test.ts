import { describe, expect, it } from 'vitest';
import { normaliseOptions } from './options.ts';

describe('normaliseOptions', () => {
  it('when only a name is given, then the production defaults apply', () => {
    const options = normaliseOptions({ name: 'orders' });

    expect(options).toMatchObject({
      corsOrigins: [],
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 30_000,
      docs: true,
      loadShedding: { maxEventLoopDelayMs: 1000, retryAfterSeconds: 10 },
    });
  });

  it.each([
    ['a wildcard', '*'],
    ['a trailing slash', 'https://app.example.com/'],
    ['a path', 'https://app.example.com/app'],
    ['no scheme', 'app.example.com'],
  ])('when a CORS origin has %s, then createService refuses it', (_case, origin) => {
    expect(() => normaliseOptions({ name: 'orders', corsOrigins: [origin] })).toThrow(
      /CORS origin/,
    );
  });

  it.each([
    ['bodyLimitBytes', { bodyLimitBytes: 0 }],
    ['requestTimeoutMs', { requestTimeoutMs: 1.5 }],
  ])('when %s is not a positive integer, then createService refuses it', (field, option) => {
    expect(() => normaliseOptions({ name: 'orders', ...option })).toThrow(field);
  });
});
