import { randomBytes } from 'node:crypto';
import { describeError } from './describe-error.ts';

/** A service running in a container for this test run. */
export interface StartedContainer {
  readonly url: string;
  stop(): Promise<void>;
}

export type ContainerRuntimeCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: string };

/**
 * Whether a container engine answers. testcontainers is imported only here, on the fallback
 * path: it is slow to load and most runs never need it. Without an engine it fails in well under
 * a second with "Could not find a working container runtime strategy".
 */
export async function checkContainerRuntime(): Promise<ContainerRuntimeCheck> {
  // The ryuk reaper image often cannot be pulled (offline CI); the global setup stops containers itself.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: describeError(error) };
  }
}

/** Starts Postgres as superuser `postgres`; its URL points at the `postgres` maintenance database. */
export async function startPostgresContainer(image: string): Promise<StartedContainer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(image)
    .withDatabase('postgres')
    .withUsername('postgres')
    .withPassword(randomBytes(12).toString('hex'))
    .start();
  return {
    url: container.getConnectionUri(),
    stop: async () => {
      await container.stop();
    },
  };
}

export async function startRedisContainer(image: string): Promise<StartedContainer> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer(image).start();
  return {
    url: container.getConnectionUrl(),
    stop: async () => {
      await container.stop();
    },
  };
}
