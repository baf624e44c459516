import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';
import { dbErrors } from './db-errors.ts';
import { updateVersioned } from './optimistic-lock.ts';

const db = usePostgres({ template: shopTemplate });
let client: DatabaseClient<PrismaClient>;
let prisma: PrismaClient;

const tenantId = '00000000-0000-4000-8000-000000000003';
const otherTenant = '00000000-0000-4000-8000-000000000004';
let id: string;

beforeAll(() => {
  client = createDatabaseClient(PrismaClient, { url: db.url });
  prisma = client.prisma;
});
afterAll(async () => {
  await client?.disconnect();
});
beforeEach(async () => {
  await prisma.product.deleteMany();
  ({ id } = await prisma.product.create({
    data: { tenantId, sku: 'lamp', name: 'Lamp', priceCents: 1000 },
  }));
});

/** Resolves once `count` callers are waiting: makes concurrent writers read the same version. */
function barrier(count: number) {
  let waiting = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    waiting += 1;
    if (waiting === count) release();
    return all;
  };
}

describe('updateVersioned', () => {
  test('when the expected version matches, then the change is written and the version increments', async () => {
    const updated = await updateVersioned(prisma.product, {
      where: { id, tenantId },
      expectedVersion: 1,
      change: (current) => ({ priceCents: current.priceCents + 1 }),
    });

    expect(updated).toMatchObject({ priceCents: 1001, version: 2 });
    expect(await prisma.product.findUnique({ where: { id } })).toMatchObject({ version: 2 });
  });

  test('when the expected version is stale, then it fails with DB_VERSION_MISMATCH and writes nothing', async () => {
    await prisma.product.update({ where: { id }, data: { name: 'Desk lamp', version: 2 } });

    const error = await updateVersioned(prisma.product, {
      where: { id, tenantId },
      expectedVersion: 1,
      change: () => ({ priceCents: 1 }),
    }).catch((e: unknown) => e);

    expect(dbErrors.DB_VERSION_MISMATCH.is(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'precondition_failed' });
    expect(await prisma.product.findUnique({ where: { id } })).toMatchObject({ priceCents: 1000 });
  });

  test('when the row belongs to another tenant, then it is DB_NOT_FOUND', async () => {
    const error = await updateVersioned(prisma.product, {
      where: { id, tenantId: otherTenant },
      change: () => ({ priceCents: 1 }),
      entity: 'Product',
    }).catch((e: unknown) => e);

    expect(dbErrors.DB_NOT_FOUND.is(error)).toBe(true);
    expect((error as Error).message).toBe('No such Product.');
  });

  test('when two writers race without an expected version, then both changes land, one after the other', async () => {
    const bothRead = barrier(2);
    const addOne = () =>
      updateVersioned(prisma.product, {
        where: { id, tenantId },
        change: async (current) => {
          if (current.version === 1) await bothRead();
          return { priceCents: current.priceCents + 1 };
        },
      });

    await Promise.all([addOne(), addOne()]);

    expect(await prisma.product.findUnique({ where: { id } })).toMatchObject({
      priceCents: 1002,
      version: 3,
    });
  });

  test('when two writers race from the same expected version, then one wins and the other gets DB_VERSION_MISMATCH', async () => {
    const bothRead = barrier(2);
    const setPrice = (priceCents: number) =>
      updateVersioned(prisma.product, {
        where: { id, tenantId },
        expectedVersion: 1,
        change: async () => {
          await bothRead();
          return { priceCents };
        },
      });

    const results = await Promise.allSettled([setPrice(2000), setPrice(3000)]);

    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toHaveLength(1);
    expect(dbErrors.DB_VERSION_MISMATCH.is((failures[0] as PromiseRejectedResult).reason)).toBe(
      true,
    );
    expect(await prisma.product.findUnique({ where: { id } })).toMatchObject({ version: 2 });
  });

  test('when other writers keep winning beyond the retries, then it fails with DB_VERSION_CONFLICT', async () => {
    let attempts = 0;

    const error = await updateVersioned(prisma.product, {
      where: { id, tenantId },
      retries: 2,
      change: async (current) => {
        attempts += 1;
        // A concurrent writer commits after every read of ours.
        await prisma.product.update({ where: { id }, data: { version: current.version + 1 } });
        return { priceCents: 1 };
      },
    }).catch((e: unknown) => e);

    expect(dbErrors.DB_VERSION_CONFLICT.is(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'conflict' });
    expect(attempts).toBe(3);
    expect(await prisma.product.findUnique({ where: { id } })).toMatchObject({ priceCents: 1000 });
  });

  test('when the change refuses with a domain error, then nothing is written and the error propagates', async () => {
    const refusal = new Error('price may not drop below cost');

    const error = await updateVersioned(prisma.product, {
      where: { id, tenantId },
      change: () => {
        throw refusal;
      },
    }).catch((e: unknown) => e);

    expect(error).toBe(refusal);
    expect(await prisma.product.findUnique({ where: { id } })).toMatchObject({ version: 1 });
  });
});
