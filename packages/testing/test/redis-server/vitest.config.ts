import base from '@groundwork/vitest-config';
import { defineConfig } from 'vitest/config';

/** Config of the nested runs in src/vitest.int.test.ts that take redis-server off the PATH. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['*.fixture.ts'], reporters: ['default'] },
});
