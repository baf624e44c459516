import type { RefreshToken, RefreshTokenFamily } from '../generated/prisma/client.ts';
import type { Db } from './db.ts';

/** An access token that may still be alive: what the deny-list needs to end it early. */
export interface LiveAccessToken {
  readonly jti: string;
  readonly expiresAt: Date;
}

export type RefreshTokenWithFamily = RefreshToken & { family: RefreshTokenFamily };

export interface NewRefreshToken {
  readonly familyId: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly accessTokenJti: string;
  readonly accessTokenExpiresAt: Date;
}

/** Why a family was revoked, stored on it. */
export type RevocationReason =
  | 'logout'
  | 'reuse'
  | 'user_disabled'
  | 'membership_changed'
  | 'organization_deleted';

export interface SessionRepository {
  startFamily(family: {
    userId: string;
    orgId: string | null;
    expiresAt: Date;
  }): Promise<RefreshTokenFamily>;
  addToken(token: NewRefreshToken): Promise<RefreshToken>;
  findByTokenHash(tokenHash: string): Promise<RefreshTokenWithFamily | null>;
  /**
   * Spends a token: true for the one caller that flips `usedAt` from null. Two concurrent
   * refreshes with one token cannot both win, so the loser is treated as reuse.
   */
  markUsed(tokenId: string, now: Date): Promise<boolean>;
  /** Moves a session to another organization (a refresh that switches tenant). */
  setFamilyOrganization(familyId: string, orgId: string | null): Promise<void>;
  /** Revokes one family; returns its access tokens that have not expired yet. */
  revokeFamily(familyId: string, reason: RevocationReason, now: Date): Promise<LiveAccessToken[]>;
  /**
   * Revokes every live family of a user, or only those acting for `orgId`; returns their access
   * tokens that have not expired yet.
   */
  /** Live access tokens of a user's unrevoked sessions for one organization, families kept. */
  liveAccessTokensOf(userId: string, orgId: string, now: Date): Promise<LiveAccessToken[]>;
  revokeUserFamilies(
    userId: string,
    reason: RevocationReason,
    now: Date,
    scope?: { orgId: string },
  ): Promise<LiveAccessToken[]>;
}

export function createSessionRepository(db: Db): SessionRepository {
  async function liveAccessTokens(familyIds: string[], now: Date): Promise<LiveAccessToken[]> {
    if (familyIds.length === 0) return [];
    const rows = await db.refreshToken.findMany({
      where: { familyId: { in: familyIds }, accessTokenExpiresAt: { gt: now } },
      select: { accessTokenJti: true, accessTokenExpiresAt: true },
    });
    return rows.map((row) => ({ jti: row.accessTokenJti, expiresAt: row.accessTokenExpiresAt }));
  }

  return {
    startFamily: (family) => db.refreshTokenFamily.create({ data: family }),
    addToken: (token) => db.refreshToken.create({ data: token }),
    findByTokenHash: (tokenHash) =>
      db.refreshToken.findUnique({ where: { tokenHash }, include: { family: true } }),
    async markUsed(tokenId, now) {
      const { count } = await db.refreshToken.updateMany({
        where: { id: tokenId, usedAt: null },
        data: { usedAt: now },
      });
      return count === 1;
    },
    async setFamilyOrganization(familyId, orgId) {
      await db.refreshTokenFamily.update({ where: { id: familyId }, data: { orgId } });
    },
    async revokeFamily(familyId, reason, now) {
      await db.refreshTokenFamily.updateMany({
        where: { id: familyId, revokedAt: null },
        data: { revokedAt: now, revokedReason: reason },
      });
      return liveAccessTokens([familyId], now);
    },
    async liveAccessTokensOf(userId, orgId, now) {
      const families = await db.refreshTokenFamily.findMany({
        where: { userId, orgId, revokedAt: null },
        select: { id: true },
      });
      return liveAccessTokens(
        families.map((family) => family.id),
        now,
      );
    },
    async revokeUserFamilies(userId, reason, now, scope) {
      const families = await db.refreshTokenFamily.findMany({
        where: { userId, ...(scope ? { orgId: scope.orgId } : {}) },
        select: { id: true },
      });
      const ids = families.map((family) => family.id);
      await db.refreshTokenFamily.updateMany({
        where: { id: { in: ids }, revokedAt: null },
        data: { revokedAt: now, revokedReason: reason },
      });
      return liveAccessTokens(ids, now);
    },
  };
}
