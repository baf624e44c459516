import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@groundwork/logger';
import {
  ErrorCode,
  type EvaluationContext,
  OpenFeature,
  type Provider,
  type ResolutionDetails,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';
import type { Redis } from 'ioredis';
import type { FeatureFlags } from '../use-cases/ports.ts';

export interface FlagProviderOptions {
  /** The flags on for every tenant, from config (FEATURE_FLAGS). */
  readonly enabled: readonly string[];
  readonly redis: Redis;
  /** Key prefix of the overrides: `<namespace>:<flag>` and `<namespace>:<flag>:org:<org id>`. */
  readonly namespace: string;
  readonly logger: Logger;
  /** Longest wait for Redis before answering from config. Default 100 ms. */
  readonly timeoutMs?: number;
}

const OVERRIDES: Readonly<Record<string, boolean>> = { on: true, off: false };

/**
 * An OpenFeature provider for boolean flags: an override in Redis for the tenant (the evaluation
 * context's `targetingKey`), else an override in Redis for everyone, else config. Overrides take
 * effect on the next evaluation, on every instance, without a restart; when Redis is unreachable
 * flags answer from config. Roll a change out tenant by tenant:
 *
 *   SET orders:flags:strict-cancellation:org:<org id> on    # one tenant
 *   SET orders:flags:strict-cancellation on                 # everyone (config then follows)
 *   DEL orders:flags:strict-cancellation:org:<org id>       # back to the default
 */
export function configAndRedisFlagProvider(options: FlagProviderOptions): Provider {
  const { redis, namespace, logger } = options;
  const enabled = new Set(options.enabled);
  const timeoutMs = options.timeoutMs ?? 100;

  async function overrides(flag: string, org: string | undefined) {
    const keys = [`${namespace}:${flag}:org:${org ?? '-'}`, `${namespace}:${flag}`];
    const timeout = sleep(timeoutMs).then(() => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    });
    try {
      return await Promise.race([redis.mget(...keys), timeout]);
    } catch (error) {
      logger.warn(
        { err: error, flag },
        'feature flag overrides unavailable; answering from config',
      );
      return undefined;
    }
  }

  const notBoolean = async <T>(_flag: string, defaultValue: T): Promise<ResolutionDetails<T>> => ({
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.TYPE_MISMATCH,
  });

  return {
    metadata: { name: 'config-and-redis' },
    runsOn: 'server',
    async resolveBooleanEvaluation(
      flag: string,
      defaultValue: boolean,
      context: EvaluationContext,
    ): Promise<ResolutionDetails<boolean>> {
      const found = await overrides(flag, context.targetingKey);
      const [forTenant, forEveryone] = found ?? [];
      if (forTenant != null && forTenant in OVERRIDES) {
        return {
          value: OVERRIDES[forTenant] ?? defaultValue,
          reason: StandardResolutionReasons.TARGETING_MATCH,
          variant: forTenant,
        };
      }
      if (forEveryone != null && forEveryone in OVERRIDES) {
        return {
          value: OVERRIDES[forEveryone] ?? defaultValue,
          reason: StandardResolutionReasons.STATIC,
          variant: forEveryone,
        };
      }
      if (enabled.has(flag)) return { value: true, reason: StandardResolutionReasons.STATIC };
      return {
        value: defaultValue,
        reason:
          found === undefined ? StandardResolutionReasons.ERROR : StandardResolutionReasons.DEFAULT,
      };
    },
    resolveStringEvaluation: notBoolean,
    resolveNumberEvaluation: notBoolean,
    resolveObjectEvaluation: notBoolean,
  };
}

/**
 * The service's flags through the OpenFeature client. Each instance gets its own OpenFeature
 * domain, so two apps in one process (tests) never share a provider through the global API.
 */
export async function createFeatureFlags(provider: Provider): Promise<FeatureFlags> {
  const domain = `orders-${randomUUID()}`;
  await OpenFeature.setProviderAndWait(domain, provider);
  const client = OpenFeature.getClient(domain);
  return {
    isEnabled: (flag, org) => client.getBooleanValue(flag, false, { targetingKey: org }),
  };
}
