import { env, loadConfig } from '@groundwork/config';
import { serviceEnv } from '@groundwork/service-kit';
import Type, { type Static } from 'typebox';
import { PRODUCTION_ARGON2 } from './security/password-hasher.ts';

const seconds = (defaultValue: number, description: string, maximum?: number) =>
  Type.Integer({
    minimum: 1,
    ...(maximum === undefined ? {} : { maximum }),
    default: defaultValue,
    description,
  });

const DAY = 86_400;

/**
 * Every variable identity reads. Defaults follow the runtime contract (port 3001, database
 * groundwork_identity, local Redis), so `npm run dev` needs no .env file; the one secret,
 * SIGNING_KEY_ENCRYPTION_KEY, has a development default that production refuses.
 */
export const identityConfigSchema = Type.Object({
  ...serviceEnv({ port: 3001 }),
  NODE_ENV: Type.String({ default: 'development' }),
  DATABASE_URL: env.databaseUrl('identity'),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  DATABASE_SLOW_QUERY_MS: env.slowQueryMs(),
  DATABASE_CONNECTION_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    default: 5000,
    description:
      'How long a request waits for a pooled connection before it fails with 503 DB_UNAVAILABLE',
  }),
  REDIS_URL: env.redisUrl(),

  TOKEN_ISSUER: Type.String({
    minLength: 1,
    default: 'http://127.0.0.1:3001',
    description: 'The `iss` of every token, and the issuer in the OpenID configuration',
  }),
  TOKEN_AUDIENCE: Type.String({ minLength: 1, default: 'groundwork' }),
  ACCESS_TOKEN_TTL_SECONDS: seconds(900, 'Access token lifetime (at most 15 minutes)', 900),
  REFRESH_TOKEN_TTL_SECONDS: seconds(14 * DAY, 'A refresh token unused this long expires'),
  SESSION_MAX_AGE_SECONDS: seconds(30 * DAY, 'A session ends this long after sign-in'),

  SIGNING_KEY_ENCRYPTION_KEY: Type.String({
    default: '',
    description:
      '32 random bytes, base64 (`openssl rand -base64 32`): seals signing keys at rest. Required in production.',
  }),
  SIGNING_KEY_ROTATION_PERIOD_SECONDS: seconds(30 * DAY, 'How long a key signs before rotation'),
  JWKS_MAX_AGE_SECONDS: seconds(300, 'Cache-Control max-age of /.well-known/jwks.json'),
  SIGNING_KEY_PUBLISH_LEAD_SECONDS: seconds(
    900,
    'A next key is published this long before it signs: at least what verifiers cache the JWKS (10 min) plus JWKS_MAX_AGE_SECONDS',
  ),
  SIGNING_KEY_CACHE_MS: Type.Integer({ minimum: 0, default: 5000 }),

  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 1024, default: PRODUCTION_ARGON2.memoryCost }),
  ARGON2_TIME_COST: Type.Integer({ minimum: 1, default: PRODUCTION_ARGON2.timeCost }),
  ARGON2_PARALLELISM: Type.Integer({ minimum: 1, default: PRODUCTION_ARGON2.parallelism }),

  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 10 }),
  LOGIN_FAILURE_WINDOW_SECONDS: seconds(900, 'Failed sign-ins are counted over this window'),
  TRUSTED_PROXIES: env.list([]),
});

export type IdentityConfig = Readonly<Static<typeof identityConfigSchema>>;

/**
 * A key everyone can read in this file: fine for a laptop, fatal anywhere else, hence refused
 * when NODE_ENV is production.
 */
export const DEVELOPMENT_KEY_ENCRYPTION_KEY = 'Z3JvdW5kd29yay1kZXZlbG9wbWVudC1vbmx5LWtleSE=';

export function loadIdentityConfig(source = process.env): IdentityConfig {
  const config = loadConfig(identityConfigSchema, source);
  if (config.SIGNING_KEY_ENCRYPTION_KEY === '' && config.NODE_ENV === 'production') {
    throw new TypeError(
      'SIGNING_KEY_ENCRYPTION_KEY: required in production (32 random bytes, base64; or SIGNING_KEY_ENCRYPTION_KEY_FILE)',
    );
  }
  if (config.SIGNING_KEY_PUBLISH_LEAD_SECONDS < config.JWKS_MAX_AGE_SECONDS) {
    throw new TypeError(
      'SIGNING_KEY_PUBLISH_LEAD_SECONDS must be at least JWKS_MAX_AGE_SECONDS: a key would sign before caches know it',
    );
  }
  return config;
}
