import { describe, expect, test } from 'vitest';
import { REDACTED, redactSecrets } from './redact-secrets.ts';

describe('redactSecrets', () => {
  test('when a line has no secret, then the same object comes back, not a copy', () => {
    const line = { method: 'GET', url: '/v1/products/1', statusCode: 200, nested: { a: [1, 2] } };
    expect(redactSecrets(line)).toBe(line);
  });

  test('when a secret sits six levels deep or in an array of objects, then it is redacted and the caller keeps its own object', () => {
    const line = {
      a: { b: { c: { d: { e: { password: 'deep' } } } } },
      users: [{ name: 'ann', accessToken: 'in-array' }],
    };
    const redacted = redactSecrets(line);
    expect(JSON.stringify(redacted)).not.toMatch(/deep|in-array/);
    expect(redacted.users[0]).toEqual({ name: 'ann', accessToken: REDACTED });
    expect(line.a.b.c.d.e.password).toBe('deep');
    expect(line.users[0]?.accessToken).toBe('in-array');
  });

  test('when a key differs only in case, then it is still a secret (Authorization, API_KEY style)', () => {
    const redacted = redactSecrets({ headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k' } });
    expect(redacted.headers).toEqual({ Authorization: REDACTED, 'X-Api-Key': REDACTED });
  });

  test('when a class instance holds a secret, then the line carries its fields with the secret redacted', () => {
    class Credentials {
      readonly user: string;
      readonly clientSecret: string;
      constructor(user: string, clientSecret: string) {
        this.user = user;
        this.clientSecret = clientSecret;
      }
    }
    const redacted = redactSecrets({ credentials: new Credentials('svc', 's3cret') });
    expect(JSON.parse(JSON.stringify(redacted))).toEqual({
      credentials: { user: 'svc', clientSecret: REDACTED },
    });
  });

  test('when an error carries a secret property, then it is serialized with its message and stack and the secret redacted', () => {
    const error = Object.assign(new Error('upstream refused'), { token: 'tok-1', status: 502 });
    const redacted: { err: unknown } = redactSecrets({ err: error });
    expect(redacted.err).toMatchObject({
      type: 'Error',
      message: 'upstream refused',
      token: REDACTED,
      status: 502,
    });
    expect((redacted.err as { stack: string }).stack).toContain('upstream refused');
  });

  test('when an error has no secret, then it is passed on untouched for the logger to serialize', () => {
    const error = new Error('boom');
    expect(redactSecrets({ err: error }).err).toBe(error);
  });

  test('when an object refers to itself, then redaction stops at its depth limit instead of looping', () => {
    const line: Record<string, unknown> = { token: 't' };
    line.self = line;
    const redacted = redactSecrets(line);
    expect(redacted.token).toBe(REDACTED);
  });
});
