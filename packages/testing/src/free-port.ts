import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A loopback TCP port that nothing listens on right now: for a server a test starts itself (a
 * child process, a redis-server), or as the address of a service that is down. Another process
 * may still take it before the caller binds it: use it for servers that fail loudly on a taken
 * port.
 *
 * @example
 * ```ts
 * import { freePort } from '@groundwork/testing';
 *
 * const child = spawn(process.execPath, ['main.ts'], { env: { PORT: String(await freePort()) } });
 * ```
 */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}
