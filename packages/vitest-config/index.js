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
    hookTimeout: 30_000,
    // Real Postgres/Redis for packages that declare @groundwork/testing; a no-op for the others.
    globalSetup: [fileURLToPath(new URL('./test-services-setup.js', import.meta.url))],
  },
});
