import { expect, inject, test } from 'vitest';

test('when this package runs under the shared vitest config, then the global setup has resolved both services for every file', () => {
  const provided = inject('groundworkTestServices');

  expect(provided?.postgres.service).toBe('postgres');
  expect(provided?.redis.service).toBe('redis');
  expect(['ready', 'unavailable']).toContain(provided?.postgres.status);
  expect(['ready', 'unavailable']).toContain(provided?.redis.status);
});
