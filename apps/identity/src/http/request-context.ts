import type { FastifyRequest } from 'fastify';
import proxyaddr from 'proxy-addr';
import type { AuditContext } from '../domain/audit-event.ts';

export type AuditContextOf = (request: FastifyRequest) => AuditContext;

/**
 * Reads who is calling, for audit events and per-IP throttling. The client IP is the socket peer
 * unless that peer is a trusted proxy (`TRUSTED_PROXIES`: the gateway, a load balancer), in which
 * case X-Forwarded-For is walked right to left while hops stay trusted. With nothing trusted the
 * header is ignored, so a caller cannot pick the IP it is counted under.
 *
 * @throws {TypeError} at boot when an entry is not an address, a CIDR or a proxy-addr name.
 */
export function createAuditContextOf(trustedProxies: readonly string[]): AuditContextOf {
  let trust: ((address: string, hop: number) => boolean) | undefined;
  if (trustedProxies.length > 0) {
    try {
      trust = proxyaddr.compile([...trustedProxies]);
    } catch (error) {
      throw new TypeError(`TRUSTED_PROXIES: ${(error as Error).message}`, { cause: error });
    }
  }
  return (request) => ({
    ip: trust ? proxyaddr(request.raw, trust) : request.raw.socket.remoteAddress,
    userAgent: request.headers['user-agent'],
    requestId: request.id,
  });
}
