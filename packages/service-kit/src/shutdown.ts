import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

export interface ShutdownOptions {
  /**
   * How long readiness answers 503 while the service still serves, before the listener closes:
   * the time load balancers need to stop routing here. Default 0 (set it in orchestrated
   * deployments, e.g. 5000 ms under Kubernetes).
   */
  readinessDelayMs?: number;
  /** How long in-flight requests get to finish once the listener is closed. Default 10 s. */
  drainTimeoutMs?: number;
}

export interface StartOptions extends ShutdownOptions {
  port: number;
  /** Interface to bind. Default `0.0.0.0`, which containers need; set `127.0.0.1` to stay local. */
  host?: string;
}

export interface ShutdownResult {
  /** True when the drain timeout cut off requests that were still running. */
  forced: boolean;
}

export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

// Once requests are drained, onClose hooks close pools and clients; this bounds them too, so the
// process always exits within readinessDelayMs + drainTimeoutMs + CLOSERS_TIMEOUT_MS.
const CLOSERS_TIMEOUT_MS = 5_000;

/**
 * Stops a service gracefully without exiting the process: readiness turns 503 first, the
 * listener closes after `readinessDelayMs`, in-flight requests get `drainTimeoutMs` to finish,
 * keep-alive sockets close, then the `onClose` hooks (database pools, Redis clients) run.
 *
 * @example
 * ```ts
 * const { forced } = await shutdownService(app, { readinessDelayMs: 5000, drainTimeoutMs: 10000 });
 * ```
 */
export async function shutdownService(
  app: FastifyInstance,
  options: ShutdownOptions = {},
): Promise<ShutdownResult> {
  const readinessDelayMs = options.readinessDelayMs ?? 0;
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;

  app.beginDrain();
  app.log.info({ readinessDelayMs }, 'shutdown: readiness answers 503, still serving');
  if (readinessDelayMs > 0) await sleep(readinessDelayMs);

  let forced = false;
  const deadline = setTimeout(() => {
    forced = true;
    app.log.warn({ drainTimeoutMs }, 'shutdown: drain timed out, closing busy connections');
    // Lets server.close() complete so the onClose hooks still release databases and queues.
    app.server.closeAllConnections();
  }, drainTimeoutMs);
  app.log.info({ drainTimeoutMs }, 'shutdown: closing the listener, draining in-flight requests');
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
  app.log.info({ forced }, 'shutdown: complete');
  return { forced };
}

/**
 * Listens, and on SIGTERM or SIGINT (or an uncaught error) shuts down with `shutdownService`
 * and exits: 0 after a clean drain; 1 after a crash, a drain that had to cut requests off, or
 * closers that overran their bound. Resolves with the address the service listens on.
 *
 * @example
 * ```ts
 * // main.ts
 * const config = loadConfig(Type.Object({ ...serviceEnv({ port: 3002 }) }));
 * const app = await buildApp(config);
 * await startService(app, startOptionsFromEnv(config));
 * ```
 */
export async function startService(app: FastifyInstance, options: StartOptions): Promise<string> {
  const readinessDelayMs = options.readinessDelayMs ?? 0;
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  const address = await app.listen({ host: options.host ?? '0.0.0.0', port: options.port });

  closeWithGrace(
    {
      delay: readinessDelayMs + drainTimeoutMs + CLOSERS_TIMEOUT_MS,
      logger: { error: (message: unknown) => app.log.error(message) },
    },
    async ({ signal, err }) => {
      if (err) app.log.fatal({ err }, 'shutdown: unhandled error');
      else app.log.info({ signal }, 'shutdown: signal received');
      const { forced } = await shutdownService(app, { readinessDelayMs, drainTimeoutMs });
      // A rejection makes close-with-grace exit 1: requests were lost and the exit code says so.
      if (forced) throw new Error(`shutdown: requests still running after ${drainTimeoutMs} ms`);
    },
  );
  return address;
}
