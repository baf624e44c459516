import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';
import { writeOutboxEvent } from './outbox.ts';

const db = usePostgres({ template: shopTemplate });
let client: DatabaseClient<PrismaClient>;
let prisma: PrismaClient;

const tenantId = '00000000-0000-4000-8000-000000000007';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

beforeAll(() => {
  client = createDatabaseClient(PrismaClient, { url: db.url });
  prisma = client.prisma;
});
afterAll(async () => {
  await client?.disconnect();
});
beforeEach(async () => {
  await prisma.outboxEvent.deleteMany();
  await prisma.product.deleteMany();
});

describe('writeOutboxEvent', () => {
  test('when written inside the state change transaction, then the row holds the event, unpublished', async () => {
    const id = await prisma.$transaction(async (tx) => {
      const product = await tx.product.create({
        data: { tenantId, sku: 'chair', name: 'Chair', priceCents: 4900 },
      });
      return writeOutboxEvent(tx, {
        aggregate: 'product',
        type: 'product.created',
        payload: { productId: product.id, priceCents: 4900 },
        traceparent,
      });
    });

    const event = await prisma.outboxEvent.findUniqueOrThrow({ where: { id } });
    const product = await prisma.product.findFirstOrThrow({ where: { sku: 'chair' } });
    expect(event).toMatchObject({
      aggregate: 'product',
      type: 'product.created',
      payload: { productId: product.id, priceCents: 4900 },
      traceparent,
      publishedAt: null,
    });
    expect(event.createdAt).toBeInstanceOf(Date);
  });

  test('when the transaction rolls back after the event was written, then neither the change nor the event remains', async () => {
    const refused = new Error('out of stock');

    const outcome = await prisma
      .$transaction(async (tx) => {
        await tx.product.create({ data: { tenantId, sku: 'desk', name: 'Desk', priceCents: 1 } });
        await writeOutboxEvent(tx, { aggregate: 'product', type: 'product.created', payload: {} });
        throw refused;
      })
      .catch((e: unknown) => e);

    expect(outcome).toBe(refused);
    expect(await prisma.product.count()).toBe(0);
    expect(await prisma.outboxEvent.count()).toBe(0);
  });

  test('when given the root client instead of the transaction, then it refuses to write', async () => {
    // @ts-expect-error: the root client has $disconnect, so the type checker refuses it too.
    const refusal = writeOutboxEvent(prisma, {
      aggregate: 'product',
      type: 'product.created',
      payload: {},
    });

    await expect(refusal).rejects.toThrow('writeOutboxEvent needs the transaction client');
    expect(await prisma.outboxEvent.count()).toBe(0);
  });

  test('when the traceparent is malformed or the payload cannot be serialised, then nothing is written', async () => {
    await prisma.$transaction(async (tx) => {
      await expect(
        writeOutboxEvent(tx, { aggregate: 'p', type: 'p.x', payload: {}, traceparent: 'abc' }),
      ).rejects.toThrow('Not a W3C traceparent');
      await expect(
        writeOutboxEvent(tx, { aggregate: 'p', type: 'p.x', payload: undefined }),
      ).rejects.toThrow('not JSON-serialisable');
    });

    expect(await prisma.outboxEvent.count()).toBe(0);
  });
});
