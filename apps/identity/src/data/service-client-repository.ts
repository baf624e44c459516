import type { ServiceClient } from '../generated/prisma/client.ts';
import type { Db } from './db.ts';

export interface ServiceClientRepository {
  create(client: {
    id: string;
    orgId: string;
    name: string;
    secretHash: string;
    scopes: string[];
  }): Promise<ServiceClient>;
  findById(id: string): Promise<ServiceClient | null>;
}

export function createServiceClientRepository(db: Db): ServiceClientRepository {
  return {
    create: (client) => db.serviceClient.create({ data: client }),
    findById: (id) => db.serviceClient.findUnique({ where: { id } }),
  };
}
