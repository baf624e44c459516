import type { Service } from '@groundwork/service-kit';
import Type from 'typebox';
import type { makeGetCurrentUser } from '../use-cases/get-current-user.ts';
import { problems, Timestamp, Uuid } from './schemas.ts';

export interface UserRoutesOptions {
  readonly getCurrentUser: ReturnType<typeof makeGetCurrentUser>;
}

/** The caller's own account. Registered inside the authenticated scope. */
export async function userRoutes(app: Service, options: UserRoutesOptions): Promise<void> {
  app.get(
    '/v1/users/me',
    {
      schema: {
        tags: ['users'],
        summary: 'The signed-in user, and the organization and roles of the token',
        response: {
          200: Type.Object({
            id: Uuid,
            email: Type.String(),
            displayName: Type.Union([Type.String(), Type.Null()]),
            status: Type.String(),
            createdAt: Timestamp,
            organizationId: Type.Union([Uuid, Type.Null()]),
            roles: Type.Array(Type.String()),
            links: Type.Object({ organizations: Type.String() }),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const user = await options.getCurrentUser(request.principal);
      return {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        status: user.status,
        createdAt: user.createdAt.toISOString(),
        organizationId: request.principal.org,
        roles: [...request.principal.roles],
        links: { organizations: '/v1/organizations' },
      };
    },
  );
}
