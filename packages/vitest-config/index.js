import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SummaryReporter from './summary-reporter.js';

/** Resolve workspace packages to their TypeScript sources, as `node --conditions` does in dev. */
const conditions = ['@groundwork/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    // Real-service tests share two cores with every other package's tests in CI: bound them by
    // what a hung test costs, not by how fast an idle laptop runs them.
    testTimeout: 30_000,
    // One worker runs a package's test files one after another and keeps its module cache: the
    // app, Fastify, Prisma's client and the rest load once per package, not once per file.
    // Measured on the 2-core CI machine: orders' tests 84 s -> 28 s, identity's 52 s -> 30 s.
    // Test files therefore must not leave global state behind (env, timers, global providers);
    // a package that cannot promise that sets `isolate: true` in its own vitest.config.ts.
    isolate: false,
    hookTimeout: 30_000,
    // Real Postgres/Redis for packages that declare @groundwork/testing; a no-op for the others.
    globalSetup: [fileURLToPath(new URL('./test-services-setup.js', import.meta.url))],
  },
});
