import { createServer } from 'node:http';
import { Pool } from 'undici';

// The floor of a gateway hop: node:http in, a keep-alive undici pool out, nothing else (no
// routing table, auth, rate limit, retries, logs or header rewriting). The measured peer.
const upstream = new Pool(process.env.UPSTREAM_URL ?? '', { connections: 128 });

createServer((request, response) => {
  upstream
    .request({
      method: request.method as 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request,
    })
    .then(async ({ statusCode, headers, body }) => {
      // Small JSON answers: read whole and sent with the head in one write, as the gateway does.
      const bytes = Buffer.from(await body.arrayBuffer());
      response.writeHead(statusCode, headers as Record<string, string>);
      response.end(bytes);
    })
    .catch(() => {
      response.writeHead(502).end();
    });
}).listen(Number(process.env.PORT), '127.0.0.1');
