import { Redis } from 'ioredis';
import { describeError } from './describe-error.ts';
import type { ProbeResult } from './probe-postgres.ts';

/** Whether `url` reaches a Redis server that answers PING within `timeoutMs`. */
export async function probeRedis(url: string, timeoutMs: number): Promise<ProbeResult> {
  // No retries and no offline queue: a probe must fail fast instead of waiting for a server.
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis rejects connect() with a bare "Connection is closed."; the socket error says why.
  let socketError: unknown;
  client.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: describeError(socketError ?? error) };
  } finally {
    client.disconnect();
  }
}
