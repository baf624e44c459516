import base from '@groundwork/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// The offline schema engine (engine/, plain JS that runs before any build) keeps its tests beside it.
export default mergeConfig(base, defineConfig({ test: { include: ['engine/**/*.test.ts'] } }));
