import { describeWithServices } from '@groundwork/testing/vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect, test } from 'vitest';
import { useIdentity } from '../../test/identity-harness.ts';

describeWithServices('identity OpenAPI document', ['postgres', 'redis'], () => {
  const identity = useIdentity();

  test('when /openapi.json is fetched, then it is a valid OpenAPI 3.1 document that lists every identity route', async () => {
    const response = await identity.app.inject({ url: '/openapi.json' });
    const document = response.json();

    const validation = await new Validator().validate(document);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
    const paths = Object.keys(document.paths as Record<string, unknown>);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/auth/register',
        '/v1/auth/login',
        '/v1/auth/refresh',
        '/v1/auth/logout',
        '/v1/auth/token',
        '/v1/users/me',
        '/v1/organizations',
        '/v1/organizations/{orgId}',
        '/v1/organizations/{orgId}/members',
        '/.well-known/jwks.json',
        '/.well-known/openid-configuration',
      ]),
    );
  });
});
