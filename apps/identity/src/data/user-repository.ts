import { dbErrors, toDomainError } from '@groundwork/db';
import { identityErrors } from '../domain/identity-errors.ts';
import type { AccountStatus, User } from '../generated/prisma/client.ts';
import { type Db, isUuid } from './db.ts';

export type UserRow = User;

export interface UserRepository {
  /** Throws IDENTITY_EMAIL_TAKEN when the email exists in any letter case. */
  create(user: { email: string; passwordHash: string; displayName: string | null }): Promise<User>;
  /** Case-insensitive (citext). */
  findByEmail(email: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  setStatus(id: string, status: AccountStatus): Promise<void>;
}

export function createUserRepository(db: Db): UserRepository {
  return {
    async create(user) {
      try {
        return await db.user.create({ data: user });
      } catch (error) {
        const domain = toDomainError(error);
        if (dbErrors.DB_ALREADY_EXISTS.is(domain)) {
          throw identityErrors.IDENTITY_EMAIL_TAKEN.create(
            'An account with this email already exists.',
            { cause: error },
          );
        }
        throw domain;
      }
    },
    findByEmail: (email) => db.user.findUnique({ where: { email } }),
    findById: async (id) => (isUuid(id) ? db.user.findUnique({ where: { id } }) : null),
    async updatePasswordHash(id, passwordHash) {
      await db.user.update({ where: { id }, data: { passwordHash, version: { increment: 1 } } });
    },
    async setStatus(id, status) {
      await db.user.update({ where: { id }, data: { status, version: { increment: 1 } } });
    },
  };
}
