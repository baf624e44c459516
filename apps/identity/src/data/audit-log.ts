import type { AuditContext, AuditRecord, AuditTrail } from '../domain/audit-event.ts';
import type { AuditEvent, Prisma } from '../generated/prisma/client.ts';
import type { Db } from './db.ts';

export interface AuditLog extends AuditTrail {
  /** Newest first; for operators and tests. */
  list(filter?: { type?: string; actorId?: string; orgId?: string }): Promise<AuditEvent[]>;
}

/**
 * The audit trail in Postgres: one append-only row per event. Written in the same transaction as
 * the change it records when there is one, so a committed change always has its event.
 */
export function createAuditLog(db: Db): AuditLog {
  return {
    async record(event: AuditRecord, context: AuditContext) {
      await db.auditEvent.create({
        data: {
          type: event.type,
          outcome: event.outcome,
          actorId: event.actorId ?? null,
          orgId: event.orgId ?? null,
          subject: event.subject ?? null,
          reason: event.reason ?? null,
          ip: context.ip ?? null,
          userAgent: context.userAgent?.slice(0, 512) ?? null,
          requestId: context.requestId ?? null,
          ...(event.details ? { details: event.details as Prisma.InputJsonObject } : {}),
        },
      });
    },
    list: (filter = {}) =>
      db.auditEvent.findMany({
        where: {
          ...(filter.type ? { type: filter.type } : {}),
          ...(filter.actorId ? { actorId: filter.actorId } : {}),
          ...(filter.orgId ? { orgId: filter.orgId } : {}),
        },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      }),
  };
}
