import { dbErrors, toDomainError, updateVersioned } from '@groundwork/db';
import { identityErrors } from '../domain/identity-errors.ts';
import type { Organization } from '../generated/prisma/client.ts';
import type { Db } from './db.ts';

export interface OrganizationRepository {
  /** `id` is generated unless given (the demo seed's organizations have fixed, documented ids). */
  create(organization: { id?: string; name: string }): Promise<Organization>;
  findById(id: string): Promise<Organization | null>;
  /** Optimistic locking: a stale `expectedVersion` is DB_VERSION_MISMATCH (412). */
  rename(id: string, name: string, expectedVersion?: number): Promise<Organization>;
  delete(id: string): Promise<void>;
}

export function createOrganizationRepository(db: Db): OrganizationRepository {
  return {
    create: (organization) => db.organization.create({ data: organization }),
    findById: (id) => db.organization.findUnique({ where: { id } }),
    async rename(id, name, expectedVersion) {
      try {
        return await updateVersioned(db.organization, {
          where: { id },
          ...(expectedVersion === undefined ? {} : { expectedVersion }),
          change: () => ({ name }),
          entity: 'organization',
        });
      } catch (error) {
        throw notFoundAsOrganization(error);
      }
    },
    async delete(id) {
      try {
        await db.organization.delete({ where: { id } });
      } catch (error) {
        throw notFoundAsOrganization(error);
      }
    },
  };
}

function notFoundAsOrganization(error: unknown): unknown {
  const domain = toDomainError(error);
  return dbErrors.DB_NOT_FOUND.is(domain)
    ? identityErrors.IDENTITY_ORGANIZATION_NOT_FOUND.create(undefined, { cause: error })
    : domain;
}
