/** The Redis keys that make up one cache entry. */
export interface EntryKeys {
  /** The encoded value, with the entry's TTL. */
  readonly value: string;
  /** Changes on every invalidation; a load may store its value only under the generation it started with. */
  readonly generation: string;
  /** Held by the one loader (across all instances) that is filling a cold entry. */
  readonly lock: string;
}

/**
 * Names the keys of `key`'s entry in `namespace`. The `{…}` hash tag puts the three in one Redis
 * Cluster slot, which MGET and the scripts that touch several of them require.
 */
export function entryKeys(namespace: string, key: string): EntryKeys {
  const base = `${namespace}:{${key}}`;
  return { value: `${base}:value`, generation: `${base}:gen`, lock: `${base}:lock` };
}
