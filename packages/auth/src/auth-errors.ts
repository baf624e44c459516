import { defineErrors } from '@groundwork/errors';

/**
 * Every failure packages/auth can report. A refused token is always AUTH_TOKEN_INVALID with the
 * same detail, whatever the reason: telling a caller *why* helps an attacker tune the next try.
 * The reason travels as the error's `cause` (a `TokenRefusal`) for the logs.
 */
export const authErrors = defineErrors({
  AUTH_TOKEN_MISSING: { kind: 'unauthenticated', title: 'Authentication is required' },
  AUTH_TOKEN_INVALID: { kind: 'unauthenticated', title: 'The access token is not valid' },
  AUTH_FORBIDDEN: { kind: 'forbidden', title: 'Not allowed' },
  AUTH_NO_ORGANIZATION: { kind: 'forbidden', title: 'An organization is required' },
  AUTH_KEYS_UNAVAILABLE: { kind: 'unavailable', title: 'Token keys are unavailable' },
  AUTH_TENANT_CONTEXT_MISSING: { kind: 'internal', title: 'No tenant context' },
  AUTH_KEY_DECRYPTION_FAILED: { kind: 'internal', title: 'A signing key could not be decrypted' },
  AUTH_NO_ACTIVE_SIGNING_KEY: { kind: 'internal', title: 'No single active signing key' },
  AUTH_KEY_ROTATION_NOT_READY: { kind: 'conflict', title: 'The signing keys cannot rotate yet' },
});

/** The one detail every refused token gets, so no two refusals can be told apart by a client. */
export const INVALID_TOKEN_DETAIL = 'The access token is expired or not valid.';
