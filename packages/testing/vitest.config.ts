import base from '@groundwork/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// This package cannot depend on itself, so it registers its own global setup by path.
export default mergeConfig(
  base,
  defineConfig({ test: { globalSetup: ['./src/global-setup.ts'] } }),
);
