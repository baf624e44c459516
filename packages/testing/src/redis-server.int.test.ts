import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { probeRedis } from './probe-redis.ts';
import { type RedisServer, startRedisServer } from './redis-server.ts';
import { useRedisServer } from './vitest.ts';

const clients: Redis[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

function clientOf(server: RedisServer): Redis {
  const client = new Redis(server.url, { maxRetriesPerRequest: 0, commandTimeout: 500 });
  client.on('error', () => {}); // the tests kill and freeze the server under it
  clients.push(client);
  return client;
}

describe('useRedisServer', () => {
  const server = useRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });

  test('when started with args, then it runs with them on its own port, keeping nothing on disk', async () => {
    const client = clientOf(server);

    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'allkeys-lru',
    ]);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await client.config('GET', 'save')).toEqual(['save', '']);
  });

  test('when killed, then it refuses connections, and a restart brings it back empty on the same port', async () => {
    await clientOf(server).set('k', 'v');

    await server.kill();
    const whileDead = await probeRedis(server.url, 500);
    await server.restart();

    expect(whileDead.ok).toBe(false);
    expect(server.running).toBe(true);
    expect(await clientOf(server).get('k')).toBeNull();
  });

  test('when frozen, then commands time out; when thawed, then they are answered', async () => {
    const client = clientOf(server);
    await client.ping();

    server.freeze();
    const frozen = client.ping().then(
      () => 'answered',
      (error: Error) => error.message,
    );

    expect(server.running).toBe(false);
    expect(await frozen).toBe('Command timed out');
    server.thaw();
    expect(await client.ping()).toBe('PONG');
  });

  describe('across tests', () => {
    test('when a test leaves the server dead, then it stays dead for the rest of that test', async () => {
      await server.kill();

      expect(server.running).toBe(false);
    });

    test('when the next test starts, then the server runs again', async () => {
      expect(server.running).toBe(true);
      expect(await clientOf(server).ping()).toBe('PONG');
    });
  });
});

describe('startRedisServer', () => {
  test('when persistent, then a write before a kill is still there after the restart', async () => {
    const server = await startRedisServer({ persistent: true });
    try {
      await clientOf(server).set('k', 'kept');

      await server.kill();
      await server.restart();

      expect(await clientOf(server).get('k')).toBe('kept');
    } finally {
      await server.stop();
    }
  });

  test('when stopped, then the process is gone and so is its data directory', async () => {
    const server = await startRedisServer();
    const [, dir] = (await clientOf(server).config('GET', 'dir')) as [string, string];

    await server.stop();

    expect(existsSync(dir)).toBe(false);
    expect(server.running).toBe(false);
    expect((await probeRedis(server.url, 500)).ok).toBe(false);
  });

  test('when the server refuses its arguments, then the start fails naming them and quoting its output', async () => {
    const failure = await startRedisServer({ args: ['--no-such-directive', 'x'] }).catch(
      (error: unknown) => error,
    );

    expect(failure).toMatchObject({ code: 'TESTING_REDIS_SERVER_FAILED' });
    expect((failure as Error).message).toContain('--no-such-directive x');
    expect((failure as Error).message).toMatch(/Bad directive/);
  });

  test('when the binary does not exist, then the start fails naming it', async () => {
    const failure = await startRedisServer({ binary: '/nonexistent/redis-server' }).catch(
      (error: unknown) => error,
    );

    expect(failure).toMatchObject({ code: 'TESTING_REDIS_SERVER_FAILED' });
    expect((failure as Error).message).toContain('ENOENT');
  });
});
