import type { FastifyPluginAsync, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

const API_PREFIX = '/v1/';
const KEBAB_SEGMENT = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PARAM_SEGMENT = /^:[a-z][a-zA-Z0-9]*$/;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A POST that takes no body, such as an action on a resource (`POST /v1/orders/:id/cancel`).
     * Its handler must not read `request.body`: nothing validates it.
     */
    bodyless?: boolean;
    /**
     * Leaves the route outside the API conventions: only for routes whose shape the app does
     * not own, like the gateway's proxies, which the upstream service validates.
     */
    conventions?: false;
  }
}

/**
 * Why a `/v1` route breaks the API conventions, or nothing when it keeps them: kebab-case path
 * segments and camelCase parameters, a response schema (which also drives serialization and
 * OpenAPI), a params schema when the path has parameters, and a body schema on every write
 * (a POST that takes none says so with `config: { bodyless: true }`).
 */
export function conventionViolations(route: RouteOptions): string[] {
  if (!route.url.startsWith(API_PREFIX) || route.config?.conventions === false) return [];
  const problems: string[] = [];
  const segments = route.url.slice(1).split('/');
  for (const segment of segments) {
    if (!KEBAB_SEGMENT.test(segment) && !PARAM_SEGMENT.test(segment)) {
      problems.push(`path segment "${segment}" is neither kebab-case nor a camelCase :param`);
    }
  }
  const schema = route.schema ?? {};
  if (schema.response === undefined) problems.push('no response schema');
  if (segments.some((segment) => segment.startsWith(':')) && schema.params === undefined) {
    problems.push('path parameters without a params schema');
  }
  const methods = [route.method].flat();
  const writes = methods.some((method) => WRITE_METHODS.has(method));
  if (writes && schema.body === undefined && route.config?.bodyless !== true) {
    problems.push('a write without a body schema (mark a body-less POST with config.bodyless)');
  }
  return problems;
}

/**
 * Refuses to register a `/v1` route that breaks the API conventions, so a route without
 * validation or documentation fails at start-up, in every test that builds the app, rather than
 * in production. Plural nouns are left to review: no rule tells a plural from a verb.
 */
const enforceConventions: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', (route) => {
    const problems = conventionViolations(route);
    if (problems.length > 0) {
      const methods = [route.method].flat().join(',');
      throw new Error(`${methods} ${route.url} breaks the API conventions: ${problems.join('; ')}`);
    }
  });
};

export const routeConventions = fp(enforceConventions, {
  name: '@groundwork/service-kit/route-conventions',
  fastify: '5.x',
});
