import { defineErrors } from '@groundwork/errors';

/**
 * Every failure packages/cache can name. Reads never throw them: a Redis failure is logged, counted
 * and answered from the loader. They travel as `err` in log lines, and the readiness check throws
 * CACHE_REDIS_UNAVAILABLE.
 */
export const cacheErrors = defineErrors({
  CACHE_REDIS_UNAVAILABLE: { kind: 'unavailable', title: 'Redis is unavailable' },
  CACHE_REDIS_TIMEOUT: { kind: 'timeout', title: 'Redis did not answer in time' },
  CACHE_VALUE_UNREADABLE: { kind: 'internal', title: 'A cached value could not be decoded' },
});
