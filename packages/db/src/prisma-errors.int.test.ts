import { isAppError } from '@groundwork/errors';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';
import { dbErrors } from './db-errors.ts';
import { toDomainError } from './prisma-errors.ts';

const db = usePostgres({ template: shopTemplate });
let client: DatabaseClient<PrismaClient>;
let prisma: PrismaClient;

const tenantId = '00000000-0000-4000-8000-000000000002';
const missingId = '00000000-0000-4000-8000-0000000000ff';

beforeAll(() => {
  client = createDatabaseClient(PrismaClient, { url: db.url });
  prisma = client.prisma;
});
afterAll(async () => {
  await client?.disconnect();
});

/** Raises `sqlState` from inside PostgreSQL, as a real conflict or shutdown would. */
const raise = (sqlState: string) =>
  prisma.$executeRawUnsafe(
    `DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '${sqlState}'; END $$`,
  );

describe('toDomainError', () => {
  test('when a unique key is violated, then it is DB_ALREADY_EXISTS naming the model, not the values', async () => {
    await prisma.product.create({ data: { tenantId, sku: 'dup', name: 'A', priceCents: 1 } });

    const error = await prisma.product
      .create({ data: { tenantId, sku: 'dup', name: 'A', priceCents: 1 } })
      .catch(toDomainError);

    expect(dbErrors.DB_ALREADY_EXISTS.is(error)).toBe(true);
    expect((error as Error).message).toBe('A Product with the same unique values already exists.');
    expect((error as Error).cause).toMatchObject({ code: 'P2002' });
  });

  test('when a row refers to a missing parent, then it is DB_REFERENCE_NOT_FOUND', async () => {
    const error = await prisma.orderLine
      .create({ data: { productId: missingId, quantity: 1 } })
      .catch(toDomainError);

    expect(dbErrors.DB_REFERENCE_NOT_FOUND.is(error)).toBe(true);
  });

  test('when a parent that rows still refer to is deleted, then it is DB_STILL_REFERENCED', async () => {
    const product = await prisma.product.create({
      data: { tenantId, sku: 'parent', name: 'P', priceCents: 1 },
    });
    await prisma.orderLine.create({ data: { productId: product.id, quantity: 1 } });

    const error = await prisma.product.delete({ where: { id: product.id } }).catch(toDomainError);

    expect(dbErrors.DB_STILL_REFERENCED.is(error)).toBe(true);
  });

  test('when an update targets a missing row, then it is DB_NOT_FOUND', async () => {
    const error = await prisma.product
      .update({ where: { id: missingId }, data: { name: 'x' } })
      .catch(toDomainError);

    expect(dbErrors.DB_NOT_FOUND.is(error)).toBe(true);
    expect((error as Error).message).toBe('No such Product.');
  });

  test.each([
    ['40001', 'serialization failure', 'DB_TRANSACTION_CONFLICT'],
    ['40P01', 'deadlock', 'DB_TRANSACTION_CONFLICT'],
    ['57014', 'statement timeout', 'DB_TIMEOUT'],
    ['57P01', 'server shutdown', 'DB_UNAVAILABLE'],
    ['53300', 'too many connections', 'DB_UNAVAILABLE'],
  ] as const)(
    'when PostgreSQL fails with %s (%s), then it is %s',
    async (sqlState, _what, code) => {
      const error = await raise(sqlState).catch(toDomainError);

      expect(dbErrors[code].is(error)).toBe(true);
    },
  );

  test('when the failure has no domain meaning, then the original error comes back unchanged', async () => {
    const original = await prisma.product
      .create({ data: { tenantId: 'not-a-uuid', sku: 'x', name: 'x', priceCents: 1 } })
      .catch((e: unknown) => e);
    const plain = new TypeError('bug');

    expect(toDomainError(original)).toBe(original);
    expect(isAppError(toDomainError(original))).toBe(false);
    expect(toDomainError(plain)).toBe(plain);
  });
});
