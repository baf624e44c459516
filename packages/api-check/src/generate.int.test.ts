import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { generateApiDocument } from './generate.ts';

describeWithServices('the merged API document, generated offline', ['redis'], () => {
  test('when it is generated twice, then both runs give the same document, with every routed service path at a 1.x version', async () => {
    const first = await generateApiDocument();
    const second = await generateApiDocument();

    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.openapi).toBe('3.1.0');
    expect(first.info.version).toMatch(/^1\.\d+\.\d+$/);
    expect(Object.keys(first.paths ?? {})).toEqual(
      expect.arrayContaining([
        '/v1/auth/login',
        '/v1/users/me',
        '/v1/organizations/{orgId}/members',
        '/.well-known/jwks.json',
        '/v1/products',
        '/v1/orders/{id}',
        '/health/ready',
      ]),
    );
    // The gateway routes only the API: the services' own probes and docs stay out.
    expect(Object.keys(first.paths ?? {}).filter((path) => path.startsWith('/metrics'))).toEqual(
      [],
    );
  }, 60_000);
});
