import { createLogger } from '@groundwork/logger';
import { loadOrdersConfig } from './config.ts';
import { createProductRepository } from './data/product-prisma-repository.ts';
import { createTenantDatabase } from './data/tenant-database.ts';
import { seedDemoCatalog } from './demo-data.ts';

/**
 * `npm run db:seed` (all services) or `npm run db:seed -w @groundwork/orders`: the demo catalogs
 * of identity's demo organizations (README, "Demo data"). Safe to run again. It connects exactly
 * as the service does, as DATABASE_ROLE behind the tenancy guard, so row-level security applies.
 * Refused in production: demo products have no place among real tenants' catalogs.
 */
const config = loadOrdersConfig();
if (config.NODE_ENV === 'production') {
  console.error('db:seed refused: NODE_ENV is production, and the demo catalog is for local use.');
  process.exit(1);
}
const tenants = createTenantDatabase({
  url: config.DATABASE_URL,
  role: config.DATABASE_ROLE,
  poolSize: 2,
  logger: createLogger({ service: 'orders-seed', level: config.LOG_LEVEL }),
  applicationName: 'orders-seed',
});
try {
  // Refuses a role that row-level security would not bind, as the service does at boot.
  await tenants.verify();
  const report = await seedDemoCatalog({ products: createProductRepository(tenants.prisma) });
  process.stdout.write(
    `orders demo data created (0: it was there already): products ${report.products}. ` +
      'Catalog: apps/orders/README.md, "Demo data".\n',
  );
} finally {
  await tenants.database.disconnect();
}
