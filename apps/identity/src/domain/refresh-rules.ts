/** What a presented refresh token leads to. */
export type RefreshVerdict =
  /** Unused, unexpired, in a live family: exchange it for a new pair. */
  | 'rotate'
  /** Already exchanged once: someone holds a copy. The whole family must be revoked. */
  | 'reuse'
  /** Past its own expiry or its family's absolute one. */
  | 'expired'
  /** Its family was revoked (logout, reuse, disabled user, removed membership). */
  | 'revoked';

export interface PresentedRefreshToken {
  readonly usedAt: Date | null;
  readonly expiresAt: Date;
  readonly family: { readonly revokedAt: Date | null; readonly expiresAt: Date };
}

/**
 * Judges a refresh token found by its hash. Reuse wins over expiry: a spent token presented
 * again is evidence of theft whenever it arrives, and it must still revoke its family.
 */
export function judgeRefreshToken(token: PresentedRefreshToken, now: Date): RefreshVerdict {
  if (token.family.revokedAt !== null) return 'revoked';
  if (token.usedAt !== null) return 'reuse';
  const time = now.getTime();
  if (time >= token.expiresAt.getTime() || time >= token.family.expiresAt.getTime()) {
    return 'expired';
  }
  return 'rotate';
}

/** A new refresh token lives `ttlSeconds`, but never past its session's absolute end. */
export function refreshTokenExpiry(now: Date, ttlSeconds: number, sessionEnd: Date): Date {
  return new Date(Math.min(now.getTime() + ttlSeconds * 1000, sessionEnd.getTime()));
}
