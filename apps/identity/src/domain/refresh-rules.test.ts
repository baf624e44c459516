import { describe, expect, test } from 'vitest';
import { judgeRefreshToken, refreshTokenExpiry } from './refresh-rules.ts';

const now = new Date('2026-11-27T12:00:00Z');
const later = new Date('2026-12-01T00:00:00Z');
const earlier = new Date('2026-11-01T00:00:00Z');
const live = { revokedAt: null, expiresAt: later };

describe('refresh rules', () => {
  test('when an unused token of a live family is presented before expiry, then it rotates', () => {
    expect(judgeRefreshToken({ usedAt: null, expiresAt: later, family: live }, now)).toBe('rotate');
  });

  test('when a used token is presented, then it is reuse, even after it expired', () => {
    expect(judgeRefreshToken({ usedAt: earlier, expiresAt: later, family: live }, now)).toBe(
      'reuse',
    );
    expect(judgeRefreshToken({ usedAt: earlier, expiresAt: earlier, family: live }, now)).toBe(
      'reuse',
    );
  });

  test('when the token or its session has expired, then it is expired', () => {
    expect(judgeRefreshToken({ usedAt: null, expiresAt: now, family: live }, now)).toBe('expired');
    expect(
      judgeRefreshToken(
        { usedAt: null, expiresAt: later, family: { revokedAt: null, expiresAt: earlier } },
        now,
      ),
    ).toBe('expired');
  });

  test('when the family is revoked, then any of its tokens is revoked', () => {
    const family = { revokedAt: earlier, expiresAt: later };
    expect(judgeRefreshToken({ usedAt: null, expiresAt: later, family }, now)).toBe('revoked');
    expect(judgeRefreshToken({ usedAt: earlier, expiresAt: later, family }, now)).toBe('revoked');
  });

  test('when a refresh token is issued near the end of its session, then it expires with the session', () => {
    const sessionEnd = new Date(now.getTime() + 60_000);
    expect(refreshTokenExpiry(now, 86_400, sessionEnd)).toEqual(sessionEnd);
    expect(refreshTokenExpiry(now, 30, later)).toEqual(new Date(now.getTime() + 30_000));
  });
});
