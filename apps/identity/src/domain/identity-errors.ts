import { defineErrors } from '@groundwork/errors';

/**
 * Every failure the identity service names. Sign-in failures share one code and one detail,
 * whatever went wrong (unknown email, wrong password, disabled account): a difference would tell
 * an attacker which emails are registered.
 */
export const identityErrors = defineErrors({
  IDENTITY_INVALID_CREDENTIALS: { kind: 'unauthenticated', title: 'Invalid credentials' },
  IDENTITY_LOGIN_THROTTLED: { kind: 'rate_limited', title: 'Too many failed sign-ins' },
  IDENTITY_EMAIL_TAKEN: { kind: 'conflict', title: 'The email is already registered' },
  IDENTITY_WEAK_PASSWORD: { kind: 'invalid', title: 'The password does not meet the policy' },
  IDENTITY_REFRESH_TOKEN_INVALID: {
    kind: 'unauthenticated',
    title: 'The refresh token is not valid',
  },
  IDENTITY_NOT_A_MEMBER: { kind: 'forbidden', title: 'Not a member of this organization' },
  IDENTITY_USER_NOT_FOUND: { kind: 'not_found', title: 'No such user' },
  IDENTITY_ORGANIZATION_NOT_FOUND: { kind: 'not_found', title: 'No such organization' },
  IDENTITY_MEMBER_NOT_FOUND: { kind: 'not_found', title: 'No such member' },
  IDENTITY_ALREADY_A_MEMBER: { kind: 'conflict', title: 'Already a member' },
  IDENTITY_LAST_OWNER: { kind: 'conflict', title: 'An organization keeps at least one owner' },
  IDENTITY_ROLE_NOT_ASSIGNABLE: { kind: 'forbidden', title: 'Not allowed to give this role' },
  IDENTITY_USER_TOKEN_REQUIRED: { kind: 'forbidden', title: 'A user token is required' },
  IDENTITY_INVALID_CLIENT: { kind: 'unauthenticated', title: 'Client authentication failed' },
  IDENTITY_INVALID_SCOPE: { kind: 'invalid', title: 'The requested scope is not granted' },
  IDENTITY_SESSION_STORE_UNAVAILABLE: {
    kind: 'unavailable',
    title: 'The session store is unavailable',
  },
});

/** The one detail of every failed sign-in. */
export const INVALID_CREDENTIALS_DETAIL = 'The email or password is wrong.';
