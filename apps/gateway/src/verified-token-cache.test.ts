import type { Principal } from '@groundwork/auth';
import { describe, expect, test } from 'vitest';
import { createVerifiedTokenCache } from './verified-token-cache.ts';

const principal = (sub: string, expSeconds: number): Principal => ({
  sub,
  org: 'org-1',
  roles: ['member'],
  scope: [],
  jti: `jti-${sub}`,
  exp: expSeconds,
});

describe('verified token cache', () => {
  test('when a verified token is presented again before it expires, then its principal is remembered', () => {
    let now = 1_000_000;
    const cache = createVerifiedTokenCache({ maxEntries: 10, now: () => now });
    cache.remember('token-a', principal('a', 1_060));

    expect(cache.get('token-a')?.sub).toBe('a');
    expect(cache.get('token-b')).toBeUndefined();

    now = 1_060_000;
    expect(cache.get('token-a')).toBeUndefined();
  });

  test('when the cache is full, then the oldest token is forgotten first', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2, now: () => 0 });
    cache.remember('t1', principal('1', 60));
    cache.remember('t2', principal('2', 60));
    cache.remember('t3', principal('3', 60));

    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t2')?.sub).toBe('2');
    expect(cache.get('t3')?.sub).toBe('3');
  });

  test('when the cache is turned off, then nothing is remembered', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 0, now: () => 0 });
    cache.remember('t1', principal('1', 60));

    expect(cache.get('t1')).toBeUndefined();
  });
});
