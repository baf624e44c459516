import type { FastifyPluginAsync, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route is replaced (ADR 0009: a breaking change ships as `/v2` beside `/v1`): every
     * answer carries `Deprecation`, `Sunset` and the successor's `Link`, and the OpenAPI operation
     * is marked `deprecated`.
     */
    deprecation?: RouteDeprecation;
  }
}

export interface RouteDeprecation {
  /** When the route was deprecated, as an ISO 8601 date or date-time (`2026-12-01`). */
  readonly since: string;
  /** When it stops answering, after `since`; the day the major version is bumped and it goes. */
  readonly sunset: string;
  /** The route that replaces it (`/v2/orders`), sent as a `successor-version` link. */
  readonly successor?: string;
}

/**
 * The headers of a deprecated route: `Deprecation: @<unix seconds>` (RFC 9745, a structured
 * field date), `Sunset: <HTTP-date>` (RFC 8594) and `Link: <successor>; rel="successor-version"`.
 *
 * @throws {TypeError} naming the route when a date does not parse or the sunset is not after
 *   the deprecation: a typo must stop the service at start-up, not tell clients a wrong date.
 */
export function deprecationHeaders(route: string, deprecation: RouteDeprecation) {
  const since = Date.parse(deprecation.since);
  const sunset = Date.parse(deprecation.sunset);
  if (Number.isNaN(since) || Number.isNaN(sunset)) {
    throw new TypeError(
      `${route}: deprecation dates must be ISO 8601 (since "${deprecation.since}", sunset "${deprecation.sunset}")`,
    );
  }
  if (sunset <= since) {
    throw new TypeError(
      `${route}: sunset ${deprecation.sunset} must come after deprecation ${deprecation.since}`,
    );
  }
  const headers: Record<string, string> = {
    deprecation: `@${Math.floor(since / 1000)}`,
    sunset: new Date(sunset).toUTCString(),
  };
  if (deprecation.successor !== undefined) {
    headers.link = `<${deprecation.successor}>; rel="successor-version"`;
  }
  return headers;
}

/**
 * Routes registered with `config: { deprecation }` get their headers on every answer, errors
 * included, and `deprecated: true` in the OpenAPI document. Other routes are untouched: nothing
 * runs per request for them.
 */
const markDeprecatedRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', (route) => {
    const deprecation = route.config?.deprecation;
    if (deprecation === undefined) return;
    const methods = [route.method].flat().join(',');
    const headers = deprecationHeaders(`${methods} ${route.url}`, deprecation);
    route.schema = { ...route.schema, deprecated: true };
    const announce: onSendHookHandler = async (_request, reply, payload) => {
      reply.headers(headers);
      return payload;
    };
    route.onSend = [...[route.onSend ?? []].flat(), announce];
  });
};

export const deprecation = fp(markDeprecatedRoutes, {
  name: '@groundwork/service-kit/deprecation',
  fastify: '5.x',
});
