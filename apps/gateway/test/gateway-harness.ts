import { createLogger, recordLines } from '@groundwork/logger';
import type { Service } from '@groundwork/service-kit';
import { createMetricsRegistry } from '@groundwork/telemetry';
import { buildApp } from '../src/app.ts';
import { loadGatewayConfig } from '../src/config.ts';
import type { RouteEntry } from '../src/route-table.ts';

export interface TestGateway {
  readonly app: Service;
  /** Every log line so far, parsed. */
  readonly logs: readonly Record<string, unknown>[];
}

export interface TestGatewayOptions {
  /** Environment variables, as main.ts would read them. */
  readonly env: Record<string, string>;
  readonly routes?: readonly RouteEntry[];
  /** Origins of the upstreams `routes` names; default: the project's services from `env`. */
  readonly upstreams?: Readonly<Record<string, string>>;
}

/**
 * The gateway as main.ts builds it, from environment variables, with a logger that records lines.
 * Limits default high, so that only the tests about rate limiting meet them.
 */
export async function buildTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const { lines: logs, destination } = recordLines();
  const config = loadGatewayConfig({
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '100000',
    // The test machine is shared and busy: a late sample must not shed requests.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'gateway', level: 'info', destination }),
    // Its own registry: several gateways in one test file must not share breaker gauges.
    metrics: createMetricsRegistry({ processMetrics: false }),
    ...(options.routes === undefined ? {} : { routes: options.routes }),
    ...(options.upstreams === undefined ? {} : { upstreams: options.upstreams }),
  });
  await app.ready();
  return { app, logs };
}
