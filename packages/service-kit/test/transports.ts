import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface TestRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  json(): Record<string, unknown>;
}

export type Send = (request: TestRequest) => Promise<TestResponse>;

/** A way to reach an app: in memory, or over TCP like a real client. */
export interface Transport {
  name: string;
  connect(app: FastifyInstance): Promise<Send>;
}

function encode(request: TestRequest): { payload?: string; headers: Record<string, string> } {
  const headers = { ...request.headers };
  if (request.body === undefined) return { headers };
  if (typeof request.body === 'string') return { payload: request.body, headers };
  headers['content-type'] ??= 'application/json';
  return { payload: JSON.stringify(request.body), headers };
}

function response(status: number, headers: TestResponse['headers'], text: string): TestResponse {
  return { status, headers, text, json: () => JSON.parse(text) };
}

export const viaInject: Transport = {
  name: 'app.inject()',
  async connect(app) {
    return async (request) => {
      const { payload, headers } = encode(request);
      const res = await app.inject({
        method: (request.method ?? 'GET') as 'GET',
        url: request.url,
        headers,
        ...(payload === undefined ? {} : { payload }),
      });
      return response(res.statusCode, stringHeaders(res.headers), res.body);
    };
  },
};

export const viaSocket: Transport = {
  name: 'a real socket',
  async connect(app) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
    return (request) => sendOverTcp(address.port, request);
  },
};

/** One request on its own connection, with node:http so every header and body is sent as given. */
export function sendOverTcp(port: number, request: TestRequest): Promise<TestResponse> {
  const { payload, headers } = encode(request);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: request.method ?? 'GET', path: request.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve(
            response(
              res.statusCode ?? 0,
              stringHeaders(res.headers),
              Buffer.concat(chunks).toString(),
            ),
          ),
        );
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before it has read a large body; the answer counts.
    req.on('error', reject);
    if (payload !== undefined) req.end(payload);
    else req.end();
  });
}

function stringHeaders(headers: Record<string, unknown>): TestResponse['headers'] {
  const result: TestResponse['headers'] = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}
