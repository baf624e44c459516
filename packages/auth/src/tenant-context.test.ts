import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { authErrors } from './auth-errors.ts';
import type { Principal } from './principal.ts';
import { currentPrincipal, currentTenant, runWithTenant } from './tenant-context.ts';

function principal(sub: string, org: string | null): Principal {
  return { sub, org, roles: ['member'], scope: [], jti: `jti-${sub}`, exp: 2_000_000_000 };
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('tenant context', () => {
  test('when code runs inside runWithTenant, then currentTenant returns the verified org and principal across awaits', async () => {
    const alice = principal('alice', 'org-a');
    const seen = await runWithTenant(alice, async () => {
      await sleep(5);
      await Promise.resolve();
      return currentTenant();
    });
    expect(seen).toEqual({ org: 'org-a', principal: alice });
  });

  test('when two requests of different tenants interleave, then each sees only its own org', async () => {
    const seen = await Promise.all(
      ['org-a', 'org-b', 'org-c'].map((org, index) =>
        runWithTenant(principal(`user-${index}`, org), async () => {
          await sleep(10 - index * 3);
          const before = currentTenant().org;
          await sleep(index * 3);
          return [before, currentTenant().org];
        }),
      ),
    );
    expect(seen).toEqual([
      ['org-a', 'org-a'],
      ['org-b', 'org-b'],
      ['org-c', 'org-c'],
    ]);
  });

  test('when code runs outside any tenant context, then currentTenant throws AUTH_TENANT_CONTEXT_MISSING', () => {
    const error = errorOf(() => currentTenant());
    expect(authErrors.AUTH_TENANT_CONTEXT_MISSING.is(error)).toBe(true);
    expect((error as Error).message).toContain('runWithTenant');
    expect(authErrors.AUTH_TENANT_CONTEXT_MISSING.is(errorOf(() => currentPrincipal()))).toBe(true);
  });

  test('when the principal belongs to no organization, then currentTenant throws AUTH_NO_ORGANIZATION but currentPrincipal works', () => {
    const service = principal('client:worker', null);
    runWithTenant(service, () => {
      expect(authErrors.AUTH_NO_ORGANIZATION.is(errorOf(() => currentTenant()))).toBe(true);
      expect(currentPrincipal()).toBe(service);
    });
  });

  test('when runWithTenant returns, then the context does not leak to the code after it', async () => {
    await runWithTenant(principal('alice', 'org-a'), async () => undefined);
    expect(authErrors.AUTH_TENANT_CONTEXT_MISSING.is(errorOf(() => currentTenant()))).toBe(true);
  });

  test('when contexts nest, then the inner principal wins inside and the outer one is restored after', () => {
    runWithTenant(principal('alice', 'org-a'), () => {
      runWithTenant(principal('bob', 'org-b'), () => expect(currentTenant().org).toBe('org-b'));
      expect(currentTenant().org).toBe('org-a');
    });
  });
});
