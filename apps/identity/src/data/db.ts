import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The root client or an interactive transaction's: repositories work on either. */
export type Db = PrismaClient | Prisma.TransactionClient;
