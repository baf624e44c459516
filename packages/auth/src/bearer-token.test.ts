import { describe, expect, test } from 'vitest';
import { bearerChallenge, bearerTokenOf } from './bearer-token.ts';

describe('bearerTokenOf', () => {
  test.each([
    ['Bearer abc.def.ghi'],
    ['bearer abc.def.ghi'],
    ['BEARER abc.def.ghi'],
    ['Bearer   abc.def.ghi  '],
  ])(
    'when the header is %j, then the token is read (RFC 9110 schemes are case-insensitive)',
    (header) => {
      expect(bearerTokenOf(header)).toBe('abc.def.ghi');
    },
  );

  test.each([
    [undefined],
    [''],
    ['Bearer'],
    ['Bearer '],
    ['Basic dXNlcjpwYXNz'],
    ['Bearerabc.def.ghi'],
    ['Bearer abc def'],
    [' Bearer abc.def.ghi'],
  ])('when the header is %j, then there is no token', (header) => {
    expect(bearerTokenOf(header)).toBeUndefined();
  });
});

describe('bearerChallenge', () => {
  test('when no token was sent, then the challenge names only the realm', () => {
    expect(bearerChallenge()).toBe('Bearer realm="groundwork"');
  });

  test('when the token was refused, then the challenge says invalid_token', () => {
    expect(bearerChallenge({ error: 'invalid_token' })).toBe(
      'Bearer realm="groundwork", error="invalid_token"',
    );
  });

  test('when a permission is missing, then the challenge says insufficient_scope and names it', () => {
    expect(bearerChallenge({ error: 'insufficient_scope', scope: 'catalog:write' })).toBe(
      'Bearer realm="groundwork", error="insufficient_scope", scope="catalog:write"',
    );
  });
});
