import shared from '@groundwork/vitest-config';
import { mergeConfig } from 'vitest/config';

export default mergeConfig(shared, {
  test: {
    include: ['service/**/*.test.ts'],
    // The generate-and-check test runs turbo gen, prisma, tsc, Biome and the new service's own
    // tests in a copy of the repository: minutes, not seconds, on a shared 2-core machine.
    testTimeout: 900_000,
  },
});
