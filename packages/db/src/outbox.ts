import { randomUUID } from 'node:crypto';

export interface OutboxEvent {
  /** The kind of aggregate that changed: `order`, `product`. */
  readonly aggregate: string;
  /** What happened, past tense, versioned by name when it changes shape: `order.placed`. */
  readonly type: string;
  /** The event body; must survive `JSON.stringify`. */
  readonly payload: unknown;
  /** The W3C `traceparent` of the request, so the relay's publish continues its trace. */
  readonly traceparent?: string | undefined;
}

/**
 * The Prisma client of an interactive transaction (`prisma.$transaction(async (tx) => ...)`). It
 * has `$executeRaw` but no `$disconnect`, which is how a root client is refused, by the type
 * checker and at run time: an event written outside the state change's transaction could be
 * published for a change that rolled back, or lost for one that committed.
 */
export interface TransactionClient {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  $disconnect?: never;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Records an event in the service's `outbox` table inside the transaction that makes the state
 * change; the worker relays unpublished rows and sets `publishedAt`. Returns the event id, which
 * consumers use to deduplicate. The table comes from this model in the service's schema:
 *
 * ```prisma
 * model OutboxEvent {
 *   id          String    @id @default(uuid()) @db.Uuid
 *   aggregate   String
 *   type        String
 *   payload     Json
 *   traceparent String?
 *   createdAt   DateTime  @default(now()) @db.Timestamptz(3)
 *   publishedAt DateTime? @db.Timestamptz(3)
 *
 *   @@index([publishedAt, createdAt])
 *   @@map("outbox")
 * }
 * ```
 *
 * @example
 * await prisma.$transaction(async (tx) => {
 *   const order = await tx.order.create({ data });
 *   await writeOutboxEvent(tx, {
 *     aggregate: 'order',
 *     type: 'order.placed',
 *     payload: { orderId: order.id, tenantId: order.tenantId },
 *     traceparent: currentTraceparent(),
 *   });
 * });
 */
export async function writeOutboxEvent(tx: TransactionClient, event: OutboxEvent): Promise<string> {
  if ('$disconnect' in tx) {
    throw new TypeError(
      'writeOutboxEvent needs the transaction client: call it inside prisma.$transaction(async (tx) => ...) with tx.',
    );
  }
  const { aggregate, type, payload, traceparent } = event;
  if (traceparent !== undefined && !TRACEPARENT.test(traceparent)) {
    throw new TypeError(`Not a W3C traceparent: ${traceparent}`);
  }
  const body = JSON.stringify(payload);
  if (body === undefined) throw new TypeError(`The payload of ${type} is not JSON-serialisable.`);
  const id = randomUUID();
  await tx.$executeRaw`
    INSERT INTO "outbox" ("id", "aggregate", "type", "payload", "traceparent")
    VALUES (${id}::uuid, ${aggregate}, ${type}, ${body}::jsonb, ${traceparent ?? null})`;
  return id;
}
