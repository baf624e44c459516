import { type Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

export interface SentRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string;
  /** Reuse connections across requests; default a fresh connection per request. */
  readonly agent?: Agent;
}

export interface ReceivedResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request over a real TCP connection to the gateway, headers sent exactly as given. */
export function send(origin: string, request: SentRequest): Promise<ReceivedResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: hostname,
        port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers,
        agent: request.agent ?? false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** Starts the gateway on a loopback port and returns its origin. */
export async function listen(app: {
  listen(options: { host: string; port: number }): Promise<string>;
}) {
  return app.listen({ host: '127.0.0.1', port: 0 });
}
