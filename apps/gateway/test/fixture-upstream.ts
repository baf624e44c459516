import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the upstream received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the upstream answers; it may also never answer. */
export type Behaviour = (
  request: ReceivedRequest,
  response: ServerResponse,
) => void | Promise<void>;

/**
 * A real HTTP server on a loopback port standing in for a service behind the gateway. It records
 * and counts every request it receives, so tests can prove that a request did (or did not) reach
 * it, and its behaviour can change between requests.
 */
export interface FixtureUpstream {
  readonly url: string;
  /** Requests received so far, in order. */
  readonly received: readonly ReceivedRequest[];
  /** Resolves once `count` requests have been received in total. */
  receivedAtLeast(count: number): Promise<void>;
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** Answers 200 with what it received: method, url, headers and body. */
export const echo: Behaviour = (request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(request));
};

/** Answers every request with `status` and a problem body, as a failing service would. */
export const failWith =
  (status: number): Behaviour =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/problem+json' });
    response.end(JSON.stringify({ status, title: 'upstream failure', code: 'UPSTREAM_FAILED' }));
  };

/** Never answers: the connection stays open until the client gives up. */
export const hang: Behaviour = () => {};

/** Answers only once `released` resolves, so a test can hold a request in flight. */
export const holdUntil =
  (released: Promise<unknown>, then: Behaviour = echo): Behaviour =>
  async (request, response) => {
    await released;
    await then(request, response);
  };

export async function startFixtureUpstream(initial: Behaviour = echo): Promise<FixtureUpstream> {
  let behaviour = initial;
  const received: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer(async (raw: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: raw.method ?? '',
      url: raw.url ?? '',
      headers: raw.headers,
      body: Buffer.concat(chunks).toString(),
    };
    received.push(request);
    for (const waiter of waiters.filter(({ count }) => received.length >= count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    await behaviour(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    receivedAtLeast(count) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    behave(next) {
      behaviour = next;
    },
    async close() {
      // Hanging requests would keep the server open forever.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
