import base from '@groundwork/vitest-config';
import { defineConfig } from 'vitest/config';

/** A package as others write it: the shared config, nothing else (the include only keeps it apart). */
export default defineConfig({ ...base, test: { ...base.test, include: ['*.fixture.ts'] } });
