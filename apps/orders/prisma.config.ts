import { defineServicePrismaConfig } from '@groundwork/db/prisma-config';

// Migrations run as the database owner: in development the default `postgres`, in production a
// migrate job with the owner's URL in DATABASE_URL. The service itself runs as orders_app.
export default defineServicePrismaConfig({
  databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/groundwork_orders',
});
