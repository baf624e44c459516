import type { TestProject } from 'vitest/node';
import { PROVIDED_SERVICES_KEY } from './provided-services.ts';
import { resolveServices } from './resolve-services.ts';
import { dropStaleTestDatabases } from './test-database.ts';

/**
 * Vitest global setup: resolves Postgres and Redis once per run (starting containers if it must),
 * hands them to every worker, drops test databases that killed runs left behind, and stops the
 * containers at the end. It never fails for a missing service: the test files that need it skip,
 * or under CI fail, naming it.
 *
 * `@groundwork/vitest-config` registers it for every package that declares `@groundwork/testing`
 * (and `test/fixtures/vitest.config.ts` shows registering it by path without the shared config).
 *
 * @example
 * ```ts
 * // package.json:    "devDependencies": { "@groundwork/testing": "*" }
 * // vitest.config.ts, unchanged:
 * export { default } from '@groundwork/vitest-config';
 * ```
 */
export default async function setupTestServices(
  project: TestProject,
): Promise<() => Promise<void>> {
  const services = await resolveServices();
  project.provide(PROVIDED_SERVICES_KEY, { postgres: services.postgres, redis: services.redis });
  if (services.postgres.status === 'ready') await dropStaleTestDatabases(services.postgres.url);
  return () => services.stop();
}
