import type { KeyState, PublicSigningJwk, SigningKeyRecord } from '@groundwork/auth';
import type { Db } from './db.ts';

/** A key row: the public record the rotation functions reason about, and the sealed private key. */
export interface StoredSigningKey extends SigningKeyRecord {
  readonly sealedPrivateKey: string;
}

/** Any number that is the same in every identity instance: the rotation's advisory lock. */
const ROTATION_LOCK_ID = 0x1d_e7_00_01;

export interface SigningKeyRepository {
  all(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** Writes the state and timestamps of keys a rotation changed. */
  saveStates(keys: readonly SigningKeyRecord[]): Promise<void>;
  delete(kids: readonly string[]): Promise<void>;
  /**
   * Serializes rotations across instances and the scheduler until the transaction ends. Call it
   * first inside a transaction.
   */
  lockForRotation(): Promise<void>;
}

export function createSigningKeyRepository(db: Db): SigningKeyRepository {
  return {
    async all() {
      const rows = await db.signingKey.findMany({ orderBy: { createdAt: 'asc' } });
      return rows.map((row) => ({
        kid: row.kid,
        state: row.state as KeyState,
        publicJwk: row.publicJwk as unknown as PublicSigningJwk,
        sealedPrivateKey: row.sealedPrivateKey,
        createdAt: row.createdAt,
        activatedAt: row.activatedAt,
        retiredAt: row.retiredAt,
      }));
    },
    async insert(key) {
      await db.signingKey.create({
        data: {
          kid: key.kid,
          alg: key.publicJwk.alg,
          state: key.state,
          publicJwk: { ...key.publicJwk },
          sealedPrivateKey: key.sealedPrivateKey,
          createdAt: key.createdAt,
          activatedAt: key.activatedAt,
          retiredAt: key.retiredAt,
        },
      });
    },
    async saveStates(keys) {
      // Retire before activating: the partial unique index allows one active key at any instant.
      const order = { retired: 0, next: 1, active: 2 } as const;
      for (const key of [...keys].sort((a, b) => order[a.state] - order[b.state])) {
        await db.signingKey.update({
          where: { kid: key.kid },
          data: { state: key.state, activatedAt: key.activatedAt, retiredAt: key.retiredAt },
        });
      }
    },
    async delete(kids) {
      if (kids.length > 0) await db.signingKey.deleteMany({ where: { kid: { in: [...kids] } } });
    },
    async lockForRotation() {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(${ROTATION_LOCK_ID})`;
    },
  };
}
