import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  LOAD_CORE,
  type Server,
  startPinned,
  stop,
  waitUntilReady,
} from '../processes.ts';

// The bench's floor is only a floor if it forwards what a gateway forwards: status, headers and
// body both ways.
const forwarderPath = fileURLToPath(new URL('./bare-forwarder.ts', import.meta.url));

let upstream: HttpServer;
let forwarder: Server;
let forwarderUrl: string;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.stringify({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization ?? null,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(request.url === '/missing' ? 404 : 200, {
        'content-type': 'application/json',
        'x-upstream': 'yes',
      });
      response.end(body);
    });
  }).listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = await freePort();
  forwarder = startPinned('bare-forwarder', LOAD_CORE, process.execPath, [forwarderPath], {
    PORT: String(port),
    UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
  });
  forwarderUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(forwarder, `${forwarderUrl}/ready`);
});

afterAll(async () => {
  await stop(forwarder);
  upstream.close();
});

describe('bare-forwarder', () => {
  it('when a GET with a bearer token is forwarded, then the upstream answer comes back whole', async () => {
    const response = await fetch(`${forwarderUrl}/v1/products/1?x=1`, {
      headers: { authorization: 'Bearer abc' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.json()).toEqual({
      method: 'GET',
      url: '/v1/products/1?x=1',
      authorization: 'Bearer abc',
      body: '',
    });
  });

  it('when a POST carries a body, then the upstream receives it and its status passes through', async () => {
    const response = await fetch(`${forwarderUrl}/missing`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ method: 'POST', body: 'payload' });
  });
});
