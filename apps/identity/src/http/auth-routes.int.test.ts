import { createLocalKeyResolver, DEFAULT_AUDIENCE, verifyAccessToken } from '@groundwork/auth';
import { describeWithServices } from '@groundwork/testing/vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { expect, test } from 'vitest';
import {
  bearer,
  PASSWORD,
  registerAndLogIn,
  TEST_ISSUER,
  uniqueEmail,
  useIdentity,
} from '../../test/identity-harness.ts';

describeWithServices('identity auth routes', ['postgres', 'redis'], () => {
  const identity = useIdentity();

  const register = (payload: Record<string, unknown>) =>
    identity.app.inject({ method: 'POST', url: '/v1/auth/register', payload });
  const login = (payload: Record<string, unknown>, remoteAddress?: string) =>
    identity.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload,
      ...(remoteAddress ? { remoteAddress } : {}),
    });

  test('when a user registers, then 201 with Location and the account, never the password or its hash', async () => {
    const email = uniqueEmail();
    const response = await register({ email, password: PASSWORD, displayName: 'Ada' });
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe('/v1/users/me');
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(String),
      email,
      displayName: 'Ada',
      createdAt: expect.any(String),
    });
    expect(response.body).not.toContain('argon2');
    const [event] = await identity.identity.store.audit.list({
      type: 'user.registered',
      actorId: body.id,
    });
    expect(event).toMatchObject({ outcome: 'success', subject: body.id });
  });

  test('when a password has 11 or 129 characters, then 400 IDENTITY_WEAK_PASSWORD naming /body/password', async () => {
    for (const password of ['a'.repeat(11), 'a'.repeat(129)]) {
      const response = await register({ email: uniqueEmail(), password });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'IDENTITY_WEAK_PASSWORD',
        errors: [{ field: '/body/password' }],
      });
    }
  });

  test('when an email is registered again in another letter case, then 409 IDENTITY_EMAIL_TAKEN', async () => {
    const email = uniqueEmail('Case');
    expect((await register({ email, password: PASSWORD })).statusCode).toBe(201);
    const again = await register({ email: email.toUpperCase(), password: PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('IDENTITY_EMAIL_TAKEN');
  });

  test('when a registration body has an unknown property, then 400 naming it', async () => {
    const response = await register({ email: uniqueEmail(), password: PASSWORD, admin: true });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toContainEqual({
      field: '/body/admin',
      message: 'is not a known property',
    });
  });

  test('when a user signs in with the right password, then an access token and a refresh token are issued', async () => {
    const email = uniqueEmail();
    await register({ email, password: PASSWORD });
    const response = await login({ email: email.toUpperCase(), password: PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      organizationId: null,
      roles: [],
    });
    const header = decodeProtectedHeader(body.accessToken);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({
      iss: TEST_ISSUER,
      aud: DEFAULT_AUDIENCE,
      sub: expect.any(String),
      jti: expect.any(String),
      roles: [],
      scope: '',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    // Verifiable with nothing but the published JWKS.
    const jwks = (
      await identity.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    ).json();
    const principal = await verifyAccessToken(body.accessToken, {
      keys: createLocalKeyResolver(jwks),
      issuer: TEST_ISSUER,
    });
    expect(principal.sub).toBe(claims.sub);
  });

  test('when a sign-in fails, then an audit event records who, when and why', async () => {
    const email = uniqueEmail();
    const { id } = (await register({ email, password: PASSWORD })).json();
    await login({ email, password: 'not the right password' }, '203.0.113.7');
    const [event] = await identity.identity.store.audit.list({ type: 'auth.login', actorId: id });
    expect(event).toMatchObject({
      type: 'auth.login',
      outcome: 'failure',
      actorId: id,
      subject: email,
      reason: 'wrong_password',
      ip: '203.0.113.7',
      occurredAt: expect.any(Date),
      requestId: expect.any(String),
    });
  });

  test('when the email is unknown, the password wrong or the account disabled, then the three answers are identical', async () => {
    const wrong = uniqueEmail();
    const disabled = uniqueEmail();
    await register({ email: wrong, password: PASSWORD });
    const { id } = (await register({ email: disabled, password: PASSWORD })).json();
    await identity.identity.useCases.disableUser(id, { actorId: null, reason: 'test' }, {});
    const answers = await Promise.all([
      login({ email: uniqueEmail('nobody'), password: PASSWORD }, '198.51.100.1'),
      login({ email: wrong, password: 'not the right password' }, '198.51.100.2'),
      login({ email: disabled, password: PASSWORD }, '198.51.100.3'),
    ]);
    const comparable = answers.map((response) => {
      const { requestId: _requestId, ...problem } = response.json();
      return { status: response.statusCode, type: response.headers['content-type'], problem };
    });
    expect(comparable[0]).toEqual({
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      problem: expect.objectContaining({
        code: 'IDENTITY_INVALID_CREDENTIALS',
        detail: 'The email or password is wrong.',
      }),
    });
    expect(comparable[1]).toEqual(comparable[0]);
    expect(comparable[2]).toEqual(comparable[0]);
    const reasons = (await identity.identity.store.audit.list({ type: 'auth.login' }))
      .filter((event) => ['198.51.100.1', '198.51.100.2', '198.51.100.3'].includes(event.ip ?? ''))
      .map((event) => event.reason)
      .sort();
    expect(reasons).toEqual(['disabled', 'unknown_email', 'wrong_password']);
  });

  test('when a user signs in for an organization it does not belong to, then 403 IDENTITY_NOT_A_MEMBER', async () => {
    const email = uniqueEmail();
    await register({ email, password: PASSWORD });
    const response = await login({
      email,
      password: PASSWORD,
      organizationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('IDENTITY_NOT_A_MEMBER');
  });

  test('when GET /v1/users/me carries a valid token, then the user is returned; without one, 401 with a Bearer challenge', async () => {
    const user = await registerAndLogIn(identity.app);
    const me = await identity.app.inject({
      method: 'GET',
      url: '/v1/users/me',
      headers: bearer(user.accessToken),
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: user.userId,
      email: user.email,
      status: 'active',
      organizationId: null,
      roles: [],
    });
    const anonymous = await identity.app.inject({ method: 'GET', url: '/v1/users/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="groundwork"');
  });

  test('when a token is signed by a key identity never published, then /v1/users/me answers 401 invalid_token', async () => {
    const { generateSigningKey, importSigningKey, signAccessToken } = await import(
      '@groundwork/auth'
    );
    const stranger = await generateSigningKey();
    const { token } = await signAccessToken(
      { sub: '00000000-0000-4000-8000-000000000001' },
      { key: await importSigningKey(stranger.privateJwk), issuer: TEST_ISSUER },
    );
    const response = await identity.app.inject({
      method: 'GET',
      url: '/v1/users/me',
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  test('when the JWKS is fetched, then it lists the active and next ES256 public keys with a Cache-Control max-age', async () => {
    const response = await identity.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = response.json();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  });

  test('when the OpenID configuration is fetched, then it names the issuer, JWKS and token endpoint', async () => {
    const response = await identity.app.inject({
      method: 'GET',
      url: '/.well-known/openid-configuration',
    });
    expect(response.json()).toEqual({
      issuer: TEST_ISSUER,
      jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
      token_endpoint: `${TEST_ISSUER}/v1/auth/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: expect.arrayContaining(['orders:read', 'members:manage']),
      access_token_signing_alg_values_supported: ['ES256'],
    });
  });
});
