import { PROBLEM_CONTENT_TYPE } from '@groundwork/errors';
import { describeWithServices } from '@groundwork/testing/vitest';
import { afterEach, beforeAll, expect, test } from 'vitest';
import {
  bearer,
  logIn,
  registerAndLogIn,
  switchOrganization,
  useIdentity,
} from '../../test/identity-harness.ts';

const CONNECTION_TIMEOUT_MS = 1000;

describeWithServices('identity with its database pool exhausted', ['postgres', 'redis'], () => {
  const identity = useIdentity({
    env: {
      DATABASE_POOL_SIZE: '1',
      DATABASE_CONNECTION_TIMEOUT_MS: String(CONNECTION_TIMEOUT_MS),
      // Token checks use the key table as cached at sign-in: what is measured below is the
      // route's own query waiting for a connection, not a key reload.
      SIGNING_KEY_CACHE_MS: '600000',
    },
  });
  let email: string;
  let accessToken: string;
  let releaseHolder: (() => void) | undefined;

  beforeAll(async () => {
    ({ email, accessToken } = await registerAndLogIn(identity.app));
  });
  afterEach(() => releaseHolder?.());

  /**
   * Takes the pool's only connection with an open transaction, as a slow request under load
   * would, and keeps it until the returned function is called.
   */
  async function holdTheOnlyConnection(): Promise<{ release(): Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const transaction = identity.db.primary.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        holding();
        await released;
      },
      { timeout: 20_000 },
    );
    await held;
    releaseHolder = release;
    return {
      async release() {
        release();
        await transaction;
      },
    };
  }

  const me = () =>
    identity.app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(accessToken) });

  test('when the database pool is exhausted, then requests get 503 problem+json within the connection timeout and recover after', async () => {
    const holder = await holdTheOnlyConnection();

    const started = performance.now();
    const refused = await me();
    const waitedMs = performance.now() - started;

    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(refused.json()).toMatchObject({ status: 503, code: 'DB_UNAVAILABLE' });
    expect(refused.headers['retry-after']).toBe('1');
    // It queued for a connection for the whole timeout, and no longer.
    expect(waitedMs).toBeGreaterThanOrEqual(CONNECTION_TIMEOUT_MS - 50);
    expect(waitedMs).toBeLessThan(CONNECTION_TIMEOUT_MS + 2000);

    await holder.release();
    const recovered = await me();
    expect(recovered.statusCode).toBe(200);
  });

  test('when the only connection frees up within the connection timeout, then a queued request waits for it and succeeds', async () => {
    const holder = await holdTheOnlyConnection();

    const queued = me();
    setTimeout(() => void holder.release(), CONNECTION_TIMEOUT_MS / 4);
    const response = await queued;

    expect(response.statusCode).toBe(200);
  });

  test('when sign-in and refresh must reload the key table on a one-connection pool, then both succeed (regression: the key was loaded inside the session transaction, waiting for a second connection)', async () => {
    identity.identity.keyRing.invalidate();
    const session = await logIn(identity.app, email);

    identity.identity.keyRing.invalidate();
    const refreshed = await switchOrganization(identity.app, session.refreshToken, null);

    expect(refreshed.accessToken).toEqual(expect.any(String));
  });
});
