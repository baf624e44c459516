import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { useRedisServer } from '../../src/vitest.ts';

// No describeWithServices: a missing binary must skip this test on its own.
const server = useRedisServer({ args: ['--maxmemory-policy', 'noeviction'] });

test('when a file has its own redis-server, then it answers with the given settings', async () => {
  const client = new Redis(server.url);
  const policy = await client.config('GET', 'maxmemory-policy');
  await client.quit();

  expect(policy).toEqual(['maxmemory-policy', 'noeviction']);
});
