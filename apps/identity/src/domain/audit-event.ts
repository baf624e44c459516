/**
 * The audit trail's vocabulary. Types name what was attempted (`auth.login`), the outcome says
 * how it ended, and `reason` says why it failed in one stable word, so dashboards and alerts can
 * count "failed sign-ins by reason" without parsing text.
 */
export type AuditEventType =
  | 'user.registered'
  | 'auth.login'
  | 'auth.refresh'
  | 'auth.logout'
  | 'auth.client_token'
  | 'auth.sessions_revoked'
  | 'organization.created'
  | 'organization.updated'
  | 'organization.deleted'
  | 'member.added'
  | 'member.role_changed'
  | 'member.removed'
  | 'access.denied'
  | 'signing_key.created'
  | 'signing_key.rotated'
  | 'signing_key.deleted';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditRecord {
  readonly type: AuditEventType;
  readonly outcome: AuditOutcome;
  /** The user id or client id that acted, when known. */
  readonly actorId?: string | null;
  readonly orgId?: string | null;
  /** What was acted on: a user id, the email of a failed sign-in, a kid. */
  readonly subject?: string | null;
  /** Why it failed or was denied: wrong_password, unknown_email, reuse, throttled... */
  readonly reason?: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Where a request came from, stamped on each event it causes. */
export interface AuditContext {
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly requestId?: string | undefined;
}

/** Something that appends audit events; implemented over Postgres in data/audit-log.ts. */
export interface AuditTrail {
  record(event: AuditRecord, context: AuditContext): Promise<void>;
}
