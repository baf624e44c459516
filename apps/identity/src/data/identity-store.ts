import { type OutboxEvent, writeOutboxEvent } from '@groundwork/db';
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
    users: createUserRepository(db),
    organizations: createOrganizationRepository(db),
    memberships: createMembershipRepository(db),
    sessions: createSessionRepository(db),
    clients: createServiceClientRepository(db),
    signingKeys: createSigningKeyRepository(db),
    audit: createAuditLog(db),
  };
}

export function createIdentityStore(prisma: PrismaClient): IdentityStore {
  return {
    ...repositoriesOf(prisma),
    transaction: (work) =>
      prisma.$transaction((tx) =>
        work({ ...repositoriesOf(tx), publish: (event) => writeOutboxEvent(tx, event) }),
      ),
  };
}
