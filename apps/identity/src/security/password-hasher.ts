import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { normalizePassword } from '../domain/password-policy.ts';

// The package's `Algorithm` is a const enum, which erasable TypeScript cannot read: its value.
const ARGON2ID = 2 as Algorithm;

export interface Argon2Parameters {
  /** KiB of memory per hash. */
  readonly memoryCost: number;
  /** Passes over the memory. */
  readonly timeCost: number;
  /** Lanes. */
  readonly parallelism: number;
}

/**
 * OWASP's recommended argon2id configuration (m=19 MiB, t=2, p=1): about 60 ms per verify on one
 * core. Production uses it; only tests lower it (ARGON2_MEMORY_KIB, ARGON2_TIME_COST), to keep
 * a suite that hashes hundreds of passwords fast.
 */
export const PRODUCTION_ARGON2: Argon2Parameters = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export interface PasswordHasher {
  /** An argon2id PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`). */
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Does the work of a `verify` that fails, for an email nobody registered: without it, "no such
   * user" would answer faster than "wrong password" and reveal which emails exist.
   */
  verifyNothing(password: string): Promise<false>;
  /** True when the hash was made with other parameters: rehash it at the next successful login. */
  needsRehash(passwordHash: string): boolean;
}

/**
 * An argon2id hasher (via @node-rs/argon2: prebuilt binaries, no install script, work off the
 * event loop). Passwords are NFKC-normalized first. Computes the dummy hash once, up front.
 *
 * @example
 * const hasher = await createPasswordHasher(PRODUCTION_ARGON2);
 */
export async function createPasswordHasher(
  parameters: Argon2Parameters = PRODUCTION_ARGON2,
): Promise<PasswordHasher> {
  const options = { algorithm: ARGON2ID, ...parameters };
  const marker = `m=${parameters.memoryCost},t=${parameters.timeCost},p=${parameters.parallelism}$`;
  const dummyHash = await hash('groundwork: no such user', options);
  return {
    hash: (password) => hash(normalizePassword(password), options),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, normalizePassword(password));
      } catch {
        // A malformed stored hash is a data problem, not a match.
        return false;
      }
    },
    async verifyNothing(password) {
      await verify(dummyHash, normalizePassword(password));
      return false;
    },
    needsRehash: (passwordHash) =>
      !passwordHash.startsWith('$argon2id$') || !passwordHash.includes(`$${marker}`),
  };
}
