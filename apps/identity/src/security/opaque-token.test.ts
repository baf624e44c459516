import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { hashOpaqueToken, newOpaqueToken, opaqueTokenMatches } from './opaque-token.ts';

describe('opaque tokens', () => {
  test('when a refresh token is hashed for storage, then only its SHA-256 is kept and it matches that token alone', () => {
    const token = newOpaqueToken();
    const stored = hashOpaqueToken(token);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(stored).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(stored).not.toContain(token);
    expect(opaqueTokenMatches(token, stored)).toBe(true);
    expect(opaqueTokenMatches(newOpaqueToken(), stored)).toBe(false);
    expect(opaqueTokenMatches(token, stored.slice(1))).toBe(false);
  });
});
