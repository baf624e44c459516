import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export const REQUEST_ID_HEADER = 'x-request-id';

// Ids end up in logs, problem bodies and downstream headers: accept only short, plain tokens
// (UUIDs, ULIDs, trace-style ids) so a caller cannot forge log lines or smuggle markup.
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify `genReqId`: keeps the caller's `x-request-id` when it is well formed, so one id follows a
 * request across services, and otherwise generates a UUID.
 */
export function requestIdFrom(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && WELL_FORMED_ID.test(incoming) ? incoming : randomUUID();
}

const echoRequestId: FastifyPluginAsync = async (app) => {
  // onSend, not onRequest: it also runs for replies produced by the error handler after an earlier
  // onRequest hook (load shedding, CORS) has rejected the request.
  app.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
};

/** Echoes the request id on every response so clients can quote it in bug reports. */
export const requestId = fp(echoRequestId, {
  name: '@groundwork/service-kit/request-id',
  fastify: '5.x',
});
