import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { isProbe } from './health.ts';

/**
 * One log line per request, written when the response is done: method, route, status and
 * duration, with `requestId` from the request logger. Fastify's default writes two lines per
 * request (incoming and completed), which measurably halves a small service's throughput; the
 * incoming line adds nothing the completed one lacks. Probes are left out: an orchestrator polls
 * them every few seconds and they would drown the lines that matter.
 */
const logRequests: FastifyPluginAsync = async (app) => {
  app.addHook('onResponse', async (request, reply) => {
    if (isProbe(request)) return;
    request.log.info(
      {
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
  });
};

export const requestLog = fp(logRequests, {
  name: '@groundwork/service-kit/request-log',
  fastify: '5.x',
});
