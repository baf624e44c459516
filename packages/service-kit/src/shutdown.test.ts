import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '@groundwork/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sendOverTcp, type TestResponse } from '../test/transports.ts';
import { createService, type Service } from './create-service.ts';
import { shutdownService } from './shutdown.ts';

let app: Service | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A listening service with a route that answers after `?ms=` milliseconds (never, without it). */
async function listeningService(
  setup: (app: Service) => void = () => {},
): Promise<{ app: Service; port: number; started: () => number }> {
  let started = 0;
  const service = await createService({
    name: 'kit-test',
    logLevel: 'silent',
    // A loaded test runner's stall must not shed the request under test.
    loadShedding: { maxEventLoopDelayMs: 0 },
  });
  setup(service);
  service.get<{ Querystring: { ms?: string } }>('/work', async (request) => {
    started += 1;
    if (request.query.ms === undefined) await new Promise(() => {});
    await sleep(Number(request.query.ms));
    return { done: true };
  });
  await service.listen({ host: '127.0.0.1', port: 0 });
  const address = service.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  app = service;
  return { app: service, port: address.port, started: () => started };
}

/** A GET through a keep-alive agent, so the socket stays open after the response. */
function getKeptAlive(agent: Agent, port: number, path: string): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as TestResponse['headers'],
          text,
          json: () => JSON.parse(text),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('shutdownService', () => {
  it('when shutdown begins, then readiness answers 503 while requests are still served, until the listener closes', async () => {
    const { app, port } = await listeningService();

    const shutdown = shutdownService(app, { readinessDelayMs: 300, drainTimeoutMs: 2000 });
    const ready = await sendOverTcp(port, { url: '/health/ready' });
    const work = await sendOverTcp(port, { url: '/work?ms=1' });

    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ detail: 'The service is shutting down.' });
    expect(work.status).toBe(200);
    expect(work.headers.connection).toBe('close');
    expect(await shutdown).toEqual({ forced: false });
    await expect(sendOverTcp(port, { url: '/health/live' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('when keep-alive sockets are open, then they close and shutdown does not wait for the drain timeout', async () => {
    const { app, port, started } = await listeningService();
    const agent = new Agent({ keepAlive: true });
    await getKeptAlive(agent, port, '/health/live'); // leaves an idle socket in the agent
    const inFlight = getKeptAlive(agent, port, '/work?ms=300');
    await until('the request reached the handler', () => started() === 1);
    const begin = performance.now();

    const result = await shutdownService(app, { drainTimeoutMs: 5000 });

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(result).toEqual({ forced: false });
    expect(performance.now() - begin).toBeLessThan(2000);
    agent.destroy();
  });

  it('when a request outlives the drain timeout, then it is cut off, the closers still run, and the result says forced', async () => {
    let closersRan = false;
    const { app, port, started } = await listeningService((service) => {
      service.addHook('onClose', async () => {
        closersRan = true;
      });
    });
    const hanging = sendOverTcp(port, { url: '/work' });
    await until('the request reached the handler', () => started() === 1);
    const begin = performance.now();

    const result = await shutdownService(app, { drainTimeoutMs: 200 });

    expect(result).toEqual({ forced: true });
    expect(closersRan).toBe(true);
    expect(performance.now() - begin).toBeLessThan(1500);
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
