import type { IncomingHttpHeaders } from 'node:http';
import type { ClientAddress } from './client-address.ts';

/**
 * RFC 9110 §7.6.1: headers that describe one connection, not the message. A proxy must not pass
 * them on, nor any header the Connection header names. `proxy-authorization` and
 * `proxy-authenticate` are meant for this hop too: forwarding them would leak a credential
 * meant for the proxy to the service behind it.
 */
const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

const HOP_BY_HOP_NAMES: ReadonlySet<string> = new Set(HOP_BY_HOP);

/** Client-supplied claims about where a request came from; the gateway states its own instead. */
const ORIGIN_CLAIMS: readonly string[] = ['forwarded', 'x-real-ip', 'x-forwarded-for'];

/** Set by a TLS-terminating load balancer; meaningful only when that balancer is trusted. */
const PROXY_CONTEXT: readonly string[] = ['x-forwarded-host', 'x-forwarded-proto'];

type Headers = IncomingHttpHeaders | Record<string, string | string[] | number | undefined>;

function connectionListed(headers: Headers): string[] {
  const connection = headers.connection;
  if (typeof connection !== 'string') return [];
  return connection
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}

export interface ForwardContext {
  readonly requestId: string;
  readonly client: ClientAddress;
}

/**
 * The headers a service receives, edited in place: hop-by-hop headers removed, the caller's
 * `authorization`, `traceparent` and everything end-to-end kept, `x-request-id` set to the id the
 * gateway logs under, and `x-forwarded-for` replaced by the one client address the gateway
 * resolved. A service that trusts only the gateway as its proxy then reads the right client IP.
 */
export function toUpstreamHeaders<T extends Headers>(headers: T, context: ForwardContext): T {
  const mutable = headers as Record<string, unknown>;
  for (const name of connectionListed(headers)) delete mutable[name];
  for (const name of HOP_BY_HOP) delete mutable[name];
  for (const name of ORIGIN_CLAIMS) delete mutable[name];
  if (!context.client.viaTrustedProxy) {
    for (const name of PROXY_CONTEXT) delete mutable[name];
  }
  mutable['x-request-id'] = context.requestId;
  mutable['x-forwarded-for'] = context.client.ip;
  return headers;
}

/**
 * The upstream response headers the client receives: everything end-to-end (caching headers such
 * as `cache-control`, `etag`, `last-modified`, `vary` included), no hop-by-hop header.
 */
export function toClientHeaders(headers: Headers): Record<string, string | string[] | number> {
  const listed = connectionListed(headers);
  const result: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP_NAMES.has(name) || listed.includes(name)) continue;
    result[name] = value;
  }
  return result;
}
