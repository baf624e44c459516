import shared from '@groundwork/vitest-config';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: packs the CLI and creates, installs, lints, typechecks and tests whole
 * projects. One selection at a time (each runs a project's full suite on the same two cores), and
 * the default reporter only, so `npm test`'s per-package summary in reports/ stays the unit tests'.
 */
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/e2e/**/*.e2e.test.ts'],
    reporters: ['default'],
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 10 * 60_000,
  },
});
