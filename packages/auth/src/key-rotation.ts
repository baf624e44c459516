import { authErrors } from './auth-errors.ts';
import type { PublicSigningJwk } from './signing-keys.ts';

/**
 * The life of a signing key: published as `next` before it signs (so every verifier has it
 * cached by then), `active` while it signs, `retired` while tokens it signed may still be alive.
 */
export type KeyState = 'next' | 'active' | 'retired';

export interface SigningKeyRecord {
  readonly kid: string;
  readonly state: KeyState;
  readonly publicJwk: PublicSigningJwk;
  /** When it was stored, and so first published as `next`. */
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly retiredAt: Date | null;
}

export interface RotationPolicy {
  /** Longest access token lifetime: a retired key stays published this long. */
  readonly maxTokenLifetimeSeconds: number;
  /** Verifiers' clock tolerance: tokens live this much longer in their eyes. */
  readonly clockToleranceSeconds: number;
  /** How long verifiers cache the JWKS: a `next` key must be published this long before it signs. */
  readonly jwksCacheMaxAgeSeconds: number;
}

/** Matches the defaults of `signAccessToken`, `verifyAccessToken` and `createRemoteKeyResolver`. */
export const DEFAULT_ROTATION_POLICY: RotationPolicy = Object.freeze({
  maxTokenLifetimeSeconds: 900,
  clockToleranceSeconds: 30,
  jwksCacheMaxAgeSeconds: 600,
});

const STATE_ORDER: Readonly<Record<KeyState, number>> = { active: 0, next: 1, retired: 2 };

/**
 * The JWKS to publish at `now`: the active key, the next key, and each retired key until every
 * token it signed has expired (retirement + lifetime + clock tolerance).
 *
 * @example
 * app.get('/.well-known/jwks.json', async () => publishedJwks(await keys.all(), new Date(), policy));
 */
export function publishedJwks(
  keys: readonly SigningKeyRecord[],
  now: Date,
  policy: RotationPolicy,
): { keys: PublicSigningJwk[] } {
  const published = keys
    .filter((key) => key.state !== 'retired' || stillVerifies(key, now, policy))
    .sort(
      (left, right) =>
        STATE_ORDER[left.state] - STATE_ORDER[right.state] ||
        (right.retiredAt?.getTime() ?? 0) - (left.retiredAt?.getTime() ?? 0),
    );
  return { keys: published.map((key) => key.publicJwk) };
}

/**
 * The key that signs now. Anything but exactly one active key means a broken key table, and
 * signing with a guess would mint tokens nobody can verify.
 *
 * @example
 * const record = activeKeyOf(await keys.all());
 */
export function activeKeyOf(keys: readonly SigningKeyRecord[]): SigningKeyRecord {
  const active = keys.filter((key) => key.state === 'active');
  if (active.length !== 1 || active[0] === undefined) {
    throw authErrors.AUTH_NO_ACTIVE_SIGNING_KEY.create(
      `Found ${active.length} active signing keys`,
    );
  }
  return active[0];
}

/**
 * One rotation step, as a pure function of the key table and the time: the next key becomes
 * active and the active key retires. Refused when there is no next key, or when it has been
 * published for less than the JWKS cache age (some verifier might not know it yet). With no
 * active key at all (first start), the next key activates at once: no token exists to protect.
 *
 * @example
 * await keys.replaceAll(rotateKeys(await keys.all(), new Date(), DEFAULT_ROTATION_POLICY));
 * await keys.insert(newNextKeyRecord); // the following rotation needs a next key again
 */
export function rotateKeys(
  keys: readonly SigningKeyRecord[],
  now: Date,
  policy: RotationPolicy,
): SigningKeyRecord[] {
  const next = keys.filter((key) => key.state === 'next');
  if (next.length !== 1 || next[0] === undefined) {
    throw authErrors.AUTH_KEY_ROTATION_NOT_READY.create(
      `Rotation needs exactly one next key (found ${next.length})`,
    );
  }
  const incoming = next[0];
  const hasActive = keys.some((key) => key.state === 'active');
  const usableAt = incoming.createdAt.getTime() + policy.jwksCacheMaxAgeSeconds * 1000;
  if (hasActive && now.getTime() < usableAt) {
    throw authErrors.AUTH_KEY_ROTATION_NOT_READY.create(
      `Next key ${incoming.kid} may sign from ${new Date(usableAt).toISOString()}, once every verifier has refreshed its JWKS`,
    );
  }
  return keys.map((key) => {
    if (key === incoming) return { ...key, state: 'active', activatedAt: now };
    if (key.state === 'active') return { ...key, state: 'retired', retiredAt: now };
    return key;
  });
}

/**
 * Retired keys whose every token has expired: no longer published, safe to delete.
 *
 * @example
 * await keys.delete(retiredKeysToDelete(await keys.all(), new Date(), policy));
 */
export function retiredKeysToDelete(
  keys: readonly SigningKeyRecord[],
  now: Date,
  policy: RotationPolicy,
): string[] {
  return keys
    .filter((key) => key.state === 'retired' && !stillVerifies(key, now, policy))
    .map((key) => key.kid);
}

/**
 * True once the active key has signed for `periodSeconds`: the scheduled job's trigger.
 *
 * @example
 * if (isRotationDue(await keys.all(), new Date(), 30 * 86_400)) await rotateSigningKeys();
 */
export function isRotationDue(
  keys: readonly SigningKeyRecord[],
  now: Date,
  periodSeconds: number,
): boolean {
  const active = activeKeyOf(keys);
  const since = (active.activatedAt ?? active.createdAt).getTime();
  return now.getTime() >= since + periodSeconds * 1000;
}

function stillVerifies(key: SigningKeyRecord, now: Date, policy: RotationPolicy): boolean {
  if (key.retiredAt === null) return true;
  const lastExpiry =
    key.retiredAt.getTime() +
    (policy.maxTokenLifetimeSeconds + policy.clockToleranceSeconds) * 1000;
  return now.getTime() < lastExpiry;
}
