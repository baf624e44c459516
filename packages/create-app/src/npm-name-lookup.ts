/**
 * Whether a name is already a package on the npm registry: `unknown` when the registry could not
 * say (offline, a proxy, a slow answer).
 */
export type NameLookup = (name: string) => Promise<'taken' | 'free' | 'unknown'>;

/** Long enough for a registry on a normal line; short enough that offline never stalls creation. */
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * Asks the registry npm itself uses (`npm_config_registry`, which `npm create` sets) whether the
 * name exists. Never throws and never waits more than two seconds; `npm_config_offline` skips it.
 *
 * @example
 * await registryNameLookup()('express'); // 'taken'
 */
export function registryNameLookup(
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl: typeof fetch = fetch,
): NameLookup {
  return async (name) => {
    if (env.npm_config_offline === 'true') return 'unknown';
    const registry = (env.npm_config_registry ?? 'https://registry.npmjs.org/').replace(
      /\/?$/,
      '/',
    );
    try {
      const response = await fetchImpl(`${registry}${name.replace('/', '%2f')}`, {
        method: 'HEAD',
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      });
      if (response.status === 404) return 'free';
      return response.ok ? 'taken' : 'unknown';
    } catch {
      return 'unknown';
    }
  };
}
