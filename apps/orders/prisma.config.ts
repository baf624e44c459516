import { defineServicePrismaConfig } from '@groundwork/db/prisma-config';

// Migrations run as the database owner; the service itself runs as orders_app (DATABASE_ROLE).
export default defineServicePrismaConfig({
  databaseUrl:
    process.env.MIGRATION_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgresql://postgres@127.0.0.1:5432/groundwork_orders',
});
