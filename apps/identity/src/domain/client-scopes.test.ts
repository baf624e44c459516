import { describe, expect, test } from 'vitest';
import { grantScopes } from './client-scopes.ts';

describe('client scopes', () => {
  const allowed = ['orders:read', 'catalog:read'];

  test('when a client asks for no scope, then it gets all of its scopes', () => {
    expect(grantScopes(undefined, allowed)).toEqual({ granted: allowed });
    expect(grantScopes('  ', allowed)).toEqual({ granted: allowed });
  });

  test('when a client asks for a subset, then it gets exactly that subset, once each', () => {
    expect(grantScopes('orders:read orders:read', allowed)).toEqual({ granted: ['orders:read'] });
  });

  test('when a client asks for a scope it was not given, then invalid_scope names it', () => {
    expect(grantScopes('orders:read orders:write', allowed)).toEqual({
      invalid: 'Not granted to this client: orders:write.',
    });
  });

  test('when a scope holds a quote or a backslash, then it is malformed', () => {
    expect(grantScopes('orders:read "x"', allowed)).toEqual({ invalid: 'The scope is malformed.' });
  });
});
