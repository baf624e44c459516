import type { KeyObject } from 'node:crypto';
import {
  activeKeyOf,
  createLocalKeyResolver,
  importSigningKey,
  type KeyResolver,
  openPrivateKey,
  type PublicSigningJwk,
  publishedJwks,
  type RotationPolicy,
  type SigningKey,
} from '@groundwork/auth';
import { errors } from 'jose';
import type { StoredSigningKey } from '../data/signing-key-repository.ts';

export interface KeyRing {
  /** The active key, decrypted and imported once per kid. */
  signingKey(): Promise<SigningKey>;
  /** What `/.well-known/jwks.json` serves now: active, next, and retired keys still needed. */
  jwks(): Promise<{ keys: PublicSigningJwk[] }>;
  /** This service verifying its own tokens from the same key table, without an HTTP hop. */
  readonly resolver: KeyResolver;
  /** Forgets the cached table, e.g. right after this process rotated. */
  invalidate(): void;
}

export interface KeyRingOptions {
  readonly load: () => Promise<StoredSigningKey[]>;
  /** SIGNING_KEY_ENCRYPTION_KEY, parsed. */
  readonly kek: KeyObject;
  readonly policy: RotationPolicy;
  /**
   * How long the key table is reused before it is read again. Rotation publishes a next key far
   * longer in advance than this, so every instance knows a key before it starts signing.
   */
  readonly cacheTtlMs: number;
  readonly now: () => Date;
}

interface Snapshot {
  readonly loadedAt: number;
  readonly keys: readonly StoredSigningKey[];
  readonly resolve: KeyResolver;
}

/**
 * The signing keys as the running service sees them: read from the database, cached briefly,
 * private keys opened only for the key that signs. Every instance reads the same table, so a
 * rotation done by any instance or by the scheduler reaches all of them within `cacheTtlMs`.
 */
export function createKeyRing(options: KeyRingOptions): KeyRing {
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;
  const imported = new Map<string, Promise<SigningKey>>();

  function current(): Promise<Snapshot> {
    const age = snapshot ? Date.now() - snapshot.loadedAt : Number.POSITIVE_INFINITY;
    if (snapshot && age < options.cacheTtlMs) return Promise.resolve(snapshot);
    loading ??= options
      .load()
      .then((keys) => {
        snapshot = {
          loadedAt: Date.now(),
          keys,
          resolve: createLocalKeyResolver(publishedJwks(keys, options.now(), options.policy)),
        };
        return snapshot;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  return {
    async signingKey() {
      const { keys } = await current();
      const active = activeKeyOf(keys) as StoredSigningKey;
      let key = imported.get(active.kid);
      if (key === undefined) {
        key = importSigningKey(openPrivateKey(active.sealedPrivateKey, options.kek, active.kid));
        imported.set(active.kid, key);
        key.catch(() => imported.delete(active.kid));
      }
      return key;
    },
    async jwks() {
      return publishedJwks((await current()).keys, options.now(), options.policy);
    },
    async resolver(header, token) {
      const first = await current();
      try {
        return await first.resolve(header, token);
      } catch (error) {
        // A kid unknown to a table read more than a second ago: read it once more (a key added
        // by another instance); a forged kid then costs at most one query per second.
        if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - first.loadedAt < 1000) {
          throw error;
        }
        if (snapshot === first) snapshot = undefined;
        return (await current()).resolve(header, token);
      }
    },
    invalidate() {
      snapshot = undefined;
    },
  };
}
