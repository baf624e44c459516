import { fileURLToPath } from 'node:url';
import { freePort } from '@groundwork/testing';
import { usePostgres, useRedisServer } from '@groundwork/testing/vitest';
import { describe, expect, test } from 'vitest';
import { killProcessesAfterEach, startNodeProcess } from '../test/support/child-process.ts';
import { workerTemplate } from '../test/worker-database.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

killProcessesAfterEach();

// Its own redis-server: the shared server's settings are not ours to change.
describe('the worker process on a Redis that may evict keys', () => {
  const workerDb = usePostgres({ template: workerTemplate });
  const server = useRedisServer({ args: ['--maxmemory-policy', 'volatile-lru'] });

  test('when it starts, then it refuses: it logs the maxmemory-policy it found, never listens, and exits 1', async () => {
    const worker = startNodeProcess(MAIN, {
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      DATABASE_URL: workerDb.url,
      REDIS_URL: server.url,
      OUTBOX_SOURCES: `orders=${workerDb.url}`,
    });

    expect(await worker.exited).toEqual({ code: 1, signal: null });
    const fatal = worker.lines.find((line) => line.level === 'fatal');
    expect(fatal?.msg).toBe('worker refused to start');
    expect(JSON.stringify(fatal?.err)).toContain('maxmemory-policy is \\"volatile-lru\\"');
    expect(worker.lines.some((line) => String(line.msg).startsWith('Server listening'))).toBe(
      false,
    );
  });
});
