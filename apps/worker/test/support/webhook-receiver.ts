import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** Epoch ms when it arrived. */
  readonly at: number;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
  readonly body: Record<string, unknown>;
}

/** What the receiver does with a request: answer with a status, or never answer. */
export type WebhookAnswer = number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Decides each answer; default 204. */
  answer: (request: ReceivedWebhook, index: number) => WebhookAnswer;
  /** Answers every request after this many milliseconds; default 0. */
  delayMs: number;
  close(): Promise<void>;
}

/** A webhook endpoint on a loopback port, recording every request it receives. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString();
    const webhook = {
      at: Date.now(),
      headers: request.headers,
      rawBody,
      body: JSON.parse(rawBody) as Record<string, unknown>,
    };
    const index = received.push(webhook) - 1;
    const answer = receiver.answer(webhook, index);
    if (answer === 'hang') return;
    if (receiver.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
    response.writeHead(answer).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/notifications`,
    received,
    answer: () => 204,
    delayMs: 0,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return receiver;
}
