import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

/**
 * A real JWKS endpoint on a loopback port: it counts the requests it gets, can change the keys
 * it publishes, and can go down. Used both as the issuer's endpoint and as an attacker's.
 */
export interface JwksServer {
  readonly url: URL;
  /** Requests received so far, whatever their path. */
  readonly fetches: number;
  publish(jwks: JSONWebKeySet): void;
  /** Answers every request with this status and no key set (503: the issuer is unhealthy). */
  failWith(status: number): void;
  /** Answers every request with a 302 to `location`. */
  redirectTo(location: string): void;
  /** Serves the key set again. */
  recover(): void;
  /** Closes the listening socket: later fetches get ECONNREFUSED, as when the issuer is down. */
  stop(): Promise<void>;
}

export async function startJwksServer(initial: JSONWebKeySet = { keys: [] }): Promise<JwksServer> {
  let jwks = initial;
  let fetches = 0;
  let failure: { status: number; location?: string } | undefined;
  const server: Server = createServer((_request, response) => {
    fetches += 1;
    if (failure !== undefined) {
      const headers = failure.location === undefined ? {} : { location: failure.location };
      response.writeHead(failure.status, { ...headers, connection: 'close' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json', connection: 'close' });
    response.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
    get fetches() {
      return fetches;
    },
    publish(next) {
      jwks = next;
    },
    failWith(status) {
      failure = { status };
    },
    redirectTo(location) {
      failure = { status: 302, location };
    },
    recover() {
      failure = undefined;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
