import { env, loadConfig } from '@groundwork/config';
import { serviceEnv } from '@groundwork/service-kit';
import Type, { type Static } from 'typebox';

const positive = (defaultValue: number, description: string) =>
  Type.Integer({ minimum: 1, default: defaultValue, description });

/**
 * Every variable the orders service reads. Defaults follow the runtime contract (orders on 3002,
 * identity on 3001, Postgres and Redis on their standard ports), so `npm run dev` needs no .env.
 */
export const ordersConfigSchema = Type.Object({
  ...serviceEnv({ port: 3002 }),
  NODE_ENV: Type.String({
    default: 'development',
    description: '`production` makes `npm run db:seed` refuse to write the demo catalog',
  }),
  DATABASE_URL: env.databaseUrl('orders'),
  DATABASE_ROLE: Type.String({
    pattern: '^[a-z_][a-z0-9_]*$',
    default: 'orders_app',
    description:
      'Role every connection switches to: without SUPERUSER or BYPASSRLS, so row-level security binds the service (created by the init migration)',
  }),
  DATABASE_POOL_SIZE: positive(10, 'Connections in the pool'),
  DATABASE_SLOW_QUERY_MS: env.slowQueryMs(),
  REDIS_URL: env.redisUrl(),

  JWKS_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:3001/.well-known/jwks.json',
    description: "Identity's key set, to verify access tokens here too (zero trust)",
  }),
  TOKEN_ISSUER: Type.String({
    minLength: 1,
    default: 'http://127.0.0.1:3001',
    description: 'The `iss` every access token must carry, compared exactly',
  }),

  PRODUCT_CACHE_TTL_SECONDS: positive(300, 'Longest a product stays cached (writes invalidate it)'),
  PRODUCT_CACHE_NAMESPACE: Type.String({
    pattern: '^[^\\s{}]+$',
    default: 'orders:product:v1',
    description: 'Prefix of the product cache keys; bump the version when the cached shape changes',
  }),

  /** Flags on for every tenant, comma-separated; Redis overrides them (src/data/feature-flags.ts). */
  FEATURE_FLAGS: env.list([]),
  FEATURE_FLAGS_NAMESPACE: Type.String({
    pattern: '^[^\\s]+$',
    default: 'orders:flags',
    description:
      'Prefix of the Redis keys that override flags: <prefix>:<flag>[:org:<org id>] = on|off',
  }),

  GRAPHQL_MAX_DEPTH: positive(5, 'Deepest GraphQL selection accepted'),
  GRAPHQL_MAX_COST: positive(5_000, 'Largest estimated GraphQL query cost accepted'),
});

export type OrdersConfig = Readonly<Static<typeof ordersConfigSchema>>;

/**
 * Reads and validates the environment once, at boot.
 *
 * @throws {ConfigError} naming the first variable that is missing or malformed.
 */
export function loadOrdersConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(ordersConfigSchema, source);
}
