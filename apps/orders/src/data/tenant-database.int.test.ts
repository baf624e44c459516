import { createLogger } from '@groundwork/logger';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { expect, test, vi } from 'vitest';
import { ordersTemplate } from '../../test/orders-database.ts';
import { createTenantDatabase } from './tenant-database.ts';

describeWithServices('the tenant database', ['postgres'], () => {
  const db = usePostgres({ template: ordersTemplate });

  test('when an idle connection fails before any Prisma query, then it is logged and nothing is thrown', async () => {
    const lines: Record<string, unknown>[] = [];
    const tenants = createTenantDatabase({
      url: db.url,
      role: 'orders_app',
      poolSize: 2,
      logger: createLogger({
        service: 'orders-test',
        level: 'warn',
        destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
      }),
      applicationName: 'orders-idle-error-test',
    });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // As at boot, or with only readiness probes since: connections of the pool, none of Prisma's.
      await tenants.verify();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'orders-idle-error-test'`,
      );

      await vi.waitFor(() =>
        expect(lines).toContainEqual(
          expect.objectContaining({ msg: 'idle database connection failed' }),
        ),
      );
    } finally {
      await admin.end();
      await tenants.database.disconnect();
    }
  });
});
