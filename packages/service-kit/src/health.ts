import { commonErrors, PROBLEM_CONTENT_TYPE, problemSchema } from '@groundwork/errors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import Type from 'typebox';
import { problemFor } from './error-handler.ts';
import { letThrough } from './load-shedding.ts';

/**
 * A dependency `GET /health/ready` checks, such as Postgres or Redis.
 *
 * @example
 * ```ts
 * app.addReadinessCheck({
 *   name: 'postgres',
 *   check: async () => { await pool.query('select 1'); },
 *   timeoutMs: 500,
 * });
 * ```
 */
export interface ReadinessCheck {
  /** Names the dependency in the response and the logs: `postgres`, `redis`. */
  name: string;
  /** Resolves when the dependency answers. `signal` aborts when the check has run out of time. */
  check(signal: AbortSignal): Promise<void>;
  /** How long the check may take before it counts as failed. Default 1000 ms. */
  timeoutMs?: number;
}

export type CheckStatus = 'pass' | 'fail' | 'timeout';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  durationMs: number;
  /** Why it failed: logged, never sent to the client. */
  error?: unknown;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 1000;

const PROBE_PATH = /^\/health\/(live|ready)(\?|$)/;

/**
 * True for liveness and readiness probes. Orchestrators send them every few seconds, so their
 * request lines are left out of the logs; a failing check still logs a warning.
 */
export function isProbe(request: { url?: string | undefined }): boolean {
  return PROBE_PATH.test(request.url ?? '');
}

/** Runs one check, bounded by its timeout; never rejects. */
export async function runCheck(readiness: ReadinessCheck): Promise<CheckResult> {
  const timeoutMs = readiness.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const controller = new AbortController();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`${readiness.name} check timed out after ${timeoutMs} ms`));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    // Promise.resolve().then() turns a synchronous throw into a rejection like any other.
    const checked = Promise.resolve()
      .then(() => readiness.check(controller.signal))
      .then(() => 'pass' as const);
    const status = await Promise.race([checked, timedOut]);
    return { name: readiness.name, status, durationMs: elapsed() };
  } catch (error) {
    return { name: readiness.name, status: 'fail', durationMs: elapsed(), error };
  } finally {
    clearTimeout(timer);
  }
}

const CheckResultSchema = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('timeout')]),
  durationMs: Type.Integer(),
});

// `checks` is an RFC 9457 extension member: which dependency failed, without its error text.
const NotReadySchema = Type.Object(
  { ...problemSchema.properties, checks: Type.Optional(Type.Array(CheckResultSchema)) },
  { description: 'Not ready: a dependency failed its check, or the service is shutting down' },
);

export interface HealthOptions {
  readinessChecks: readonly ReadinessCheck[];
}

const registerHealth: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const checks = new Map<string, ReadinessCheck>();
  let draining = false;

  app.decorate('addReadinessCheck', (check: ReadinessCheck) => {
    if (checks.has(check.name)) {
      throw new TypeError(`addReadinessCheck: a check named "${check.name}" already exists`);
    }
    checks.set(check.name, check);
  });
  app.decorate('beginDrain', () => {
    draining = true;
  });
  app.decorate('isDraining', {
    getter: () => draining,
  });
  for (const check of options.readinessChecks) app.addReadinessCheck(check);

  // While draining every response asks the client to reconnect, which lands it on another
  // instance; without this, keep-alive sockets would hold the server open until the drain timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });

  app.get(
    '/health/live',
    {
      // An overloaded process is still alive: a failing liveness probe would restart it and
      // move its load onto the others.
      config: { pressureHandler: letThrough },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up and serving HTTP',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: every dependency answers and the service is not shutting down',
        description:
          'Answers 503 application/problem+json naming the failing checks in `detail` and `checks`.',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), checks: Type.Array(CheckResultSchema) }),
          503: NotReadySchema,
        },
      },
    },
    async (request, reply) => {
      if (draining) {
        const problem = problemFor(
          commonErrors.SERVICE_UNAVAILABLE.create('The service is shutting down.'),
          request,
        );
        return reply.code(503).type(PROBLEM_CONTENT_TYPE).send(problem);
      }
      const results = await Promise.all([...checks.values()].map(runCheck));
      const failed = results.filter((result) => result.status !== 'pass');
      const report = results.map(({ name, status, durationMs }) => ({ name, status, durationMs }));
      if (failed.length === 0) return { status: 'ok' as const, checks: report };

      for (const { name, status, error } of failed) {
        request.log.warn({ check: name, status, err: error }, 'readiness check failed');
      }
      const names = failed.map((result) => result.name).join(', ');
      const problem = problemFor(
        commonErrors.SERVICE_UNAVAILABLE.create(`Readiness check failed: ${names}.`),
        request,
      );
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .send({ ...problem, checks: report });
    },
  );
};

/**
 * `GET /health/live` and `GET /health/ready`, the readiness check registry, and the drain switch
 * that shutdown flips first so load balancers stop routing here before the server closes.
 */
export const health = fp(registerHealth, {
  name: '@groundwork/service-kit/health',
  fastify: '5.x',
  dependencies: ['@groundwork/service-kit/error-handler'],
});

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Adds a dependency to `GET /health/ready`; names must be unique.
     *
     * @example
     * ```ts
     * app.addReadinessCheck({ name: 'redis', check: async () => { await redis.ping(); } });
     * ```
     */
    addReadinessCheck(check: ReadinessCheck): void;
    /**
     * Makes `GET /health/ready` answer 503 and every response close its connection, while the
     * service keeps serving. The first step of a graceful shutdown (`shutdownService` calls it).
     *
     * @example
     * ```ts
     * app.beginDrain();
     * ```
     */
    beginDrain(): void;
    /** True once `beginDrain` has been called. */
    readonly isDraining: boolean;
  }
}
