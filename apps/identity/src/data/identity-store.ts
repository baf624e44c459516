import { type OutboxEvent, toDomainError, writeOutboxEvent } from '@groundwork/db';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { type AuditLog, createAuditLog } from './audit-log.ts';
import { createMembershipRepository, type MembershipRepository } from './membership-repository.ts';
import {
  createOrganizationRepository,
  type OrganizationRepository,
} from './organization-repository.ts';
import {
  createServiceClientRepository,
  type ServiceClientRepository,
} from './service-client-repository.ts';
import { createSessionRepository, type SessionRepository } from './session-repository.ts';
import { createSigningKeyRepository, type SigningKeyRepository } from './signing-key-repository.ts';
import { createUserRepository, type UserRepository } from './user-repository.ts';

export interface Repositories {
  readonly users: UserRepository;
  readonly organizations: OrganizationRepository;
  readonly memberships: MembershipRepository;
  readonly sessions: SessionRepository;
  readonly clients: ServiceClientRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly audit: AuditLog;
}

/** The repositories bound to one transaction, plus the outbox, which only exists inside one. */
export interface TransactionalRepositories extends Repositories {
  publish(event: OutboxEvent): Promise<string>;
}

/**
 * Every repository of the service over one Prisma client, and `transaction()`, which hands the
 * same repositories bound to an interactive transaction: use cases say what must commit together,
 * repositories keep the SQL.
 */
export interface IdentityStore extends Repositories {
  transaction<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T>;
}

function repositoriesOf(db: PrismaClient | Prisma.TransactionClient): Repositories {
  return {
    users: withDomainErrors(createUserRepository(db)),
    organizations: withDomainErrors(createOrganizationRepository(db)),
    memberships: withDomainErrors(createMembershipRepository(db)),
    sessions: withDomainErrors(createSessionRepository(db)),
    clients: withDomainErrors(createServiceClientRepository(db)),
    signingKeys: withDomainErrors(createSigningKeyRepository(db)),
    audit: withDomainErrors(createAuditLog(db)),
  };
}

export function createIdentityStore(prisma: PrismaClient): IdentityStore {
  return {
    ...repositoriesOf(prisma),
    async transaction(work) {
      try {
        return await prisma.$transaction((tx) =>
          work({ ...repositoriesOf(tx), publish: (event) => writeOutboxEvent(tx, event) }),
        );
      } catch (error) {
        throw toDomainError(error);
      }
    },
  };
}

/**
 * The repository with every failure passed through `toDomainError`, once for all methods: an
 * exhausted pool or an unreachable server becomes DB_UNAVAILABLE, which the edge answers with a
 * 503 and Retry-After, not a 500. Errors a method already translated pass through unchanged.
 */
function withDomainErrors<R extends { [K in keyof R]: (...args: never[]) => Promise<unknown> }>(
  repository: R,
): R {
  const translated = Object.entries(repository).map(([name, method]) => [
    name,
    async (...args: never[]) => {
      try {
        return await (method as (...args: never[]) => Promise<unknown>)(...args);
      } catch (error) {
        throw toDomainError(error);
      }
    },
  ]);
  return Object.fromEntries(translated) as R;
}
