import { identityErrors } from '../domain/identity-errors.ts';

/**
 * Redis holds the deny-list and the sign-in counters. Without them the service cannot tell a
 * revoked token or a brute-force run, so it refuses (503, retry soon) rather than guess: failing
 * open would turn a Redis outage into a window for stolen tokens and password guessing.
 */
export async function inSessionStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw identityErrors.IDENTITY_SESSION_STORE_UNAVAILABLE.create('Retry in a moment.', {
      cause: error,
      retryAfterSeconds: 1,
    });
  }
}
