import { env, loadConfig } from '@groundwork/config';
import { serviceEnv } from '@groundwork/service-kit';
import Type, { type Static } from 'typebox';

const url = (defaultUrl: string, description: string) =>
  Type.String({ pattern: '^https?://', default: defaultUrl, description });
const positive = (defaultValue: number, description: string) =>
  Type.Integer({ minimum: 1, default: defaultValue, description });

/**
 * Every variable the gateway reads. Defaults follow the runtime contract (gateway 3000, identity
 * 3001, orders 3002, Redis on its standard port), so `npm run dev` needs no .env file.
 */
export const gatewayConfigSchema = Type.Object({
  ...serviceEnv({ port: 3000 }),
  REDIS_URL: env.redisUrl(),

  IDENTITY_URL: url('http://127.0.0.1:3001', 'Origin of the identity service'),
  ORDERS_URL: url('http://127.0.0.1:3002', 'Origin of the orders service'),

  JWKS_URL: url(
    'http://127.0.0.1:3001/.well-known/jwks.json',
    "Identity's key set, to verify access tokens at the edge",
  ),
  TOKEN_ISSUER: Type.String({
    minLength: 1,
    default: 'http://127.0.0.1:3001',
    description: 'The `iss` every access token must carry, compared exactly',
  }),
  TOKEN_CACHE_MAX_ENTRIES: Type.Integer({
    minimum: 0,
    default: 10_000,
    description: 'Verified tokens remembered until they expire; 0 verifies every request',
  }),

  TRUSTED_PROXIES: env.list([]),

  RATE_LIMIT_MAX: positive(300, 'Requests per window per user (or per IP when anonymous)'),
  RATE_LIMIT_WINDOW_MS: positive(60_000, 'Rate limit window'),
  AUTH_RATE_LIMIT_MAX: positive(30, 'Requests per window per IP on /v1/auth/*'),
  AUTH_RATE_LIMIT_WINDOW_MS: positive(60_000, 'Rate limit window on /v1/auth/*'),
  RATE_LIMIT_KEY_PREFIX: Type.String({ minLength: 1, default: 'gateway:rate-limit:' }),
  RATE_LIMIT_STORE_TIMEOUT_MS: positive(200, 'Longest a request waits for the Redis counter'),

  UPSTREAM_TIMEOUT_MS: positive(10_000, 'Deadline of one proxied call, retries included'),
  UPSTREAM_MAX_RETRIES: Type.Integer({ minimum: 0, maximum: 5, default: 2 }),
  UPSTREAM_RETRY_DELAY_MS: positive(50, 'First retry backoff; later ones grow, with jitter'),
  UPSTREAM_RETRY_BUDGET_RATIO: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.2,
    description: 'Retries may add at most this share of the calls to an upstream',
  }),
  UPSTREAM_RETRY_BUDGET_MIN_PER_SECOND: Type.Integer({ minimum: 0, default: 10 }),
  UPSTREAM_MAX_CONCURRENCY: positive(512, 'Calls in flight per upstream before shedding'),
  UPSTREAM_CONNECTIONS: positive(128, 'Keep-alive connections per upstream'),
  UPSTREAM_KEEP_ALIVE_MS: positive(60_000, 'Idle upstream connections are kept this long'),
  BREAKER_CONSECUTIVE_FAILURES: positive(5, 'Failures in a row that open an upstream breaker'),
  BREAKER_HALF_OPEN_AFTER_MS: positive(10_000, 'How long a breaker stays open before a probe'),

  OPENAPI_CACHE_TTL_MS: positive(60_000, 'How long the merged OpenAPI document is reused'),
});

export type GatewayConfig = Readonly<Static<typeof gatewayConfigSchema>>;

/**
 * Reads and validates the gateway's environment once, at boot.
 *
 * @throws {ConfigError} naming the first variable that is missing or malformed.
 */
export function loadGatewayConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(gatewayConfigSchema, source);
}
