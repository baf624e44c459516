import type { ServiceResolution } from './resolve-services.ts';
import { TestingError } from './testing-error.ts';

export type ServiceDecision =
  | { readonly status: 'ready'; readonly url: string }
  | { readonly status: 'skip'; readonly reason: string };

/** `CI` as CI systems set it (`true`, `1`, or a name); empty, `0` and `false` mean "not CI". */
export function isCi(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Turns a resolution into "run" or "skip". Under CI a missing service throws instead: a pipeline
 * that quietly skips its real-service tests reports green for code it never ran.
 *
 * @example
 * ```ts
 * const decision = requireServiceOrSkip(services.postgres);
 * if (decision.status === 'skip') console.warn(decision.reason);
 * ```
 */
export function requireServiceOrSkip(
  resolution: ServiceResolution,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServiceDecision {
  if (resolution.status === 'ready') return { status: 'ready', url: resolution.url };
  return skipOutsideCi(resolution.reason, env);
}

/** "Skip for `reason`", or under CI the error that fails the run instead. */
export function skipOutsideCi(
  reason: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { readonly status: 'skip'; readonly reason: string } {
  if (isCi(env)) {
    throw new TestingError(
      'TESTING_SERVICE_UNAVAILABLE',
      `${reason} CI is set, so this fails instead of skipping: ` +
        'a CI run must not skip its real-service tests.',
    );
  }
  return { status: 'skip', reason };
}
