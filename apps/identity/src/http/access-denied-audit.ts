import { isAppError } from '@groundwork/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditTrail } from '../domain/audit-event.ts';
import type { AuditContextOf } from './request-context.ts';

/**
 * Records every 403 of an authenticated route as an `access.denied` audit event: who, which
 * route, which organization, and the refusing rule's code. Refused tokens (401) are not audited
 * here: they carry no trustworthy identity, and the authenticate plugin logs their reason.
 */
export function auditDeniedAccess(
  scope: FastifyInstance,
  options: { readonly audit: AuditTrail; readonly auditContextOf: AuditContextOf },
): void {
  scope.addHook('onError', async (request: FastifyRequest, _reply, error) => {
    if (!isAppError(error) || error.kind !== 'forbidden') return;
    let principal: FastifyRequest['principal'];
    try {
      principal = request.principal;
    } catch {
      return;
    }
    try {
      await options.audit.record(
        {
          type: 'access.denied',
          outcome: 'denied',
          actorId: principal.sub,
          orgId: principal.org,
          subject: `${request.method} ${request.url.split('?', 1)[0]}`,
          reason: error.code,
        },
        options.auditContextOf(request),
      );
    } catch (auditError) {
      // The 403 still goes out; a lost audit row must be visible in the logs.
      request.log.error({ err: auditError }, 'could not record access.denied audit event');
    }
  });
}
