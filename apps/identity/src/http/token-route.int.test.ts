import { describeWithServices } from '@groundwork/testing/vitest';
import { decodeJwt } from 'jose';
import { beforeAll, expect, test } from 'vitest';
import { bearer, registerAndLogIn, useIdentity } from '../../test/identity-harness.ts';

describeWithServices('POST /v1/auth/token (client_credentials)', ['postgres', 'redis'], () => {
  const identity = useIdentity();
  let orgId: string;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    const owner = await registerAndLogIn(identity.app);
    orgId = (
      await identity.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(owner.accessToken),
        payload: { name: 'Acme' },
      })
    ).json().id;
    client = await identity.identity.useCases.registerServiceClient({
      orgId,
      name: 'billing',
      scopes: ['orders:read', 'catalog:read'],
    });
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const token = (payload: string, headers: Record<string, string> = {}) =>
    identity.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload,
    });

  test('when a service client authenticates with HTTP Basic, then an RFC 6749 token response with its scopes, no-store, and no refresh token', async () => {
    const response = await token(form({ grant_type: 'client_credentials' }), {
      authorization: basic(client.clientId, client.clientSecret),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    const body = response.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'orders:read catalog:read',
    });
    expect(decodeJwt(body.access_token)).toMatchObject({
      sub: client.clientId,
      org: orgId,
      roles: [],
      scope: 'orders:read catalog:read',
    });
  });

  test('when a client sends its credentials in the body and asks for a subset, then it gets that subset', async () => {
    const response = await token(
      form({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        scope: 'orders:read',
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().scope).toBe('orders:read');
  });

  test('when the secret is wrong, then 401 invalid_client with a Basic challenge, and an audit event', async () => {
    const response = await token(form({ grant_type: 'client_credentials' }), {
      authorization: basic(client.clientId, 'wrong-secret'),
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Basic realm="groundwork", charset="UTF-8"');
    expect(response.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
    const [event] = await identity.identity.store.audit.list({
      type: 'auth.client_token',
      actorId: client.clientId,
    });
    expect(event).toMatchObject({ outcome: 'failure', reason: 'wrong_secret' });
  });

  test('when a client asks for a scope it was not given, then 400 invalid_scope', async () => {
    const response = await token(
      form({ grant_type: 'client_credentials', scope: 'orders:write' }),
      {
        authorization: basic(client.clientId, client.clientSecret),
      },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_scope');
  });

  test('when the grant type is not client_credentials, then 400 unsupported_grant_type', async () => {
    const response = await token(form({ grant_type: 'password' }), {
      authorization: basic(client.clientId, client.clientSecret),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('unsupported_grant_type');
    // The password grant's own fields are not even accepted.
    const withFields = await token(form({ grant_type: 'password', username: 'a', password: 'b' }));
    expect(withFields.json().error).toBe('invalid_request');
  });

  test('when a parameter is repeated or both authentication methods are used, then 400 invalid_request', async () => {
    const repeated = await token('grant_type=client_credentials&grant_type=client_credentials', {
      authorization: basic(client.clientId, client.clientSecret),
    });
    expect(repeated.statusCode).toBe(400);
    expect(repeated.json().error).toBe('invalid_request');
    const both = await token(
      form({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
      { authorization: basic(client.clientId, client.clientSecret) },
    );
    expect(both.json().error).toBe('invalid_request');
  });

  test('when a service token calls a user-only route, then 403 IDENTITY_USER_TOKEN_REQUIRED', async () => {
    const { access_token } = (
      await token(form({ grant_type: 'client_credentials' }), {
        authorization: basic(client.clientId, client.clientSecret),
      })
    ).json();
    const response = await identity.app.inject({
      method: 'GET',
      url: '/v1/users/me',
      headers: bearer(access_token),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('IDENTITY_USER_TOKEN_REQUIRED');
  });
});
