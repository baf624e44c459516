import { defineServicePrismaConfig } from '@groundwork/db/prisma-config';

export default defineServicePrismaConfig({
  databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/groundwork_worker',
});
