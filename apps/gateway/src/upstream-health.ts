import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { UpstreamResilience } from './resilience.ts';

const READY_PATH = '/health/ready';

const reportBreakers: FastifyPluginAsync<{ upstreams: readonly UpstreamResilience[] }> = async (
  app,
  { upstreams },
) => {
  // The kit's readiness body lists checks that decide readiness; a breaker must not be one of
  // them. An open breaker means one service is failing: were the gateway unready for it, every
  // replica would leave the load balancer at once and take the healthy routes down too. So the
  // states are added to the body as information only, after the kit has rendered it.
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.routeOptions.url !== READY_PATH || typeof payload !== 'string') {
      return done(null, payload);
    }
    const body = JSON.parse(payload) as Record<string, unknown>;
    body.upstreams = upstreams.map(({ name, breakerState }) => ({ name, breaker: breakerState }));
    done(null, JSON.stringify(body));
  });
};

/**
 * `GET /health/ready` reports each upstream's breaker (`closed`, `open`, `half-open`) beside the
 * kit's checks, without letting it decide readiness.
 */
export const upstreamHealth = fp(reportBreakers, {
  name: 'gateway-upstream-health',
  fastify: '5.x',
});
