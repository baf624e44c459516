import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import proxyaddr from 'proxy-addr';

export interface ClientAddress {
  /** The caller's IP: the socket peer, or the address a trusted proxy chain vouches for. */
  readonly ip: string;
  /** True when the socket peer is one of the trusted proxies, so its X-Forwarded-* mean something. */
  readonly viaTrustedProxy: boolean;
}

export type ClientAddressResolver = (request: IncomingMessage) => ClientAddress;

/**
 * Finds the real client IP. X-Forwarded-For is read right to left and only while each hop is a
 * trusted proxy (`TRUSTED_PROXIES`: addresses, CIDRs, or proxy-addr's `loopback`, `linklocal`,
 * `uniquelocal`); the first untrusted hop is the client. So a caller that connects directly can
 * write anything into the header and still be counted as the address it connects from.
 *
 * @throws {TypeError} at boot when an entry is not an address or CIDR.
 */
export function createClientAddressResolver(
  trustedProxies: readonly string[],
): ClientAddressResolver {
  const peerOf = (request: IncomingMessage) => request.socket.remoteAddress ?? '';
  // Nothing trusted: the header is never read, not even parsed.
  if (trustedProxies.length === 0)
    return (request) => ({ ip: peerOf(request), viaTrustedProxy: false });

  let trust: (address: string, hop: number) => boolean;
  try {
    trust = proxyaddr.compile([...trustedProxies]);
  } catch (error) {
    throw new TypeError(`TRUSTED_PROXIES: ${(error as Error).message}`, { cause: error });
  }
  return (request) => ({
    ip: proxyaddr(request, trust),
    viaTrustedProxy: trust(peerOf(request), 0),
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who connected, resolved once per request on first read (see `createClientAddressResolver`). */
    readonly clientAddress: ClientAddress;
  }
}

const RESOLVED = Symbol('gateway.clientAddress');
type WithResolved = FastifyRequest & { [RESOLVED]: ClientAddress | null };

const decorateClientAddress: FastifyPluginAsync<{ trustedProxies: readonly string[] }> = async (
  app,
  options,
) => {
  const resolve = createClientAddressResolver(options.trustedProxies);
  app.decorateRequest(RESOLVED, null);
  app.decorateRequest('clientAddress', {
    getter(this: FastifyRequest) {
      const request = this as WithResolved;
      request[RESOLVED] ??= resolve(request.raw);
      return request[RESOLVED];
    },
  });
};

/** `request.clientAddress`, computed lazily and once: rate limits key on it, the proxy forwards it. */
export const clientAddress = fp(decorateClientAddress, {
  name: 'gateway-client-address',
  fastify: '5.x',
});
