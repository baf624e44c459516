import shared from '@groundwork/vitest-config';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';

// The end-to-end test packs the CLI and installs whole projects: it runs only through
// `npm run test:e2e` (vitest.e2e.config.ts), never in this package's `npm test`.
export default mergeConfig(
  shared,
  defineConfig({ test: { exclude: [...configDefaults.exclude, 'test/e2e/**'] } }),
);
