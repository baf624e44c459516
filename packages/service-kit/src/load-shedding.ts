import underPressure from '@fastify/under-pressure';
import { commonErrors } from '@groundwork/errors';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** When the process is too busy to answer in time, new requests get 503 instead of queueing. */
export interface LoadSheddingOptions {
  /** Mean event loop delay above which requests are shed. 0 disables. Default 1000 ms. */
  maxEventLoopDelayMs?: number;
  /**
   * Event loop utilisation (0..1) above which requests are shed. 0 disables, the default: a
   * process at full utilisation may still answer in time (the delay above is the signal that it
   * no longer does), and a busy second at boot would otherwise shed the first requests.
   */
  maxEventLoopUtilization?: number;
  /** Heap in use above which requests are shed. 0 disables (the default: size it per container). */
  maxHeapUsedBytes?: number;
  /** Resident set size above which requests are shed. 0 disables (the default). */
  maxRssBytes?: number;
  /** Value of the Retry-After header on shed requests. Default 10 s. */
  retryAfterSeconds?: number;
  /** How often the process is sampled. Default 1000 ms. */
  sampleIntervalMs?: number;
}

const shedLoad: FastifyPluginAsync<Required<LoadSheddingOptions>> = async (app, options) => {
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    // Utilisation over the last sample, not since boot: a long quiet uptime must not hide a
    // saturated process, nor a busy start keep shedding long after it has recovered.
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: options.maxHeapUsedBytes,
    maxRssBytes: options.maxRssBytes,
    sampleInterval: options.sampleIntervalMs,
    // Rejecting hands the error to the kit's error handler, so a shed request gets the same
    // problem+json, security headers, request id and Retry-After as any other failure.
    pressureHandler: async (request, _reply, type, value) => {
      request.log.warn({ pressure: { type, value } }, 'request shed: service under pressure');
      throw commonErrors.SERVICE_UNAVAILABLE.create('The service is busy; retry later.', {
        retryAfterSeconds: options.retryAfterSeconds,
      });
    },
  });
};

/**
 * Load shedding with `@fastify/under-pressure`: past the thresholds new requests get a fast 503
 * instead of queueing behind work the process cannot finish in time. A route opts out with
 * `config: { pressureHandler: letThrough }` (liveness does: an overloaded process is still alive).
 */
export const loadShedding = fp(shedLoad, {
  name: '@groundwork/service-kit/load-shedding',
  fastify: '5.x',
});

/** Route-level `pressureHandler` that lets the request through even under pressure. */
export function letThrough(): undefined {
  return undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Replaces the kit's load-shedding response for this route (`@fastify/under-pressure`). */
    pressureHandler?: (
      request: FastifyRequest,
      reply: FastifyReply,
      type: string,
      value: number | undefined,
    ) => Promise<void> | void;
  }
}
