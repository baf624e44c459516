import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type OtlpReceiver, startOtlpReceiver } from '@groundwork/telemetry/otlp-receiver';
import { parsePrometheusText } from '@groundwork/telemetry/prometheus-text';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/traced-service.ts', import.meta.url));

describe('a service started with --import @groundwork/telemetry/register', () => {
  let receiver: OtlpReceiver;
  let child: ChildProcess;
  const lines: Record<string, unknown>[] = [];
  let base: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    child = spawn(
      process.execPath,
      ['--conditions=@groundwork/source', '--import', '@groundwork/telemetry/register', FIXTURE],
      {
        cwd: PACKAGE_ROOT,
        env: {
          PATH: process.env.PATH,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_SERVICE_NAME: 'orders',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    base = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'listening') resolve(String(line.address));
      });
      child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before listening`)));
    });
  }, 20_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await receiver.close();
  });

  it('when a request is served and the service is stopped, then its span reaches the OTLP endpoint with the service name, /metrics counts it, and its log lines carry the trace ids and requestId', async () => {
    const res = await fetch(`${base}/v1/orders/42`, { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(200);

    const scrape = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    expect(
      scrape.find('http_server_request_duration_seconds_count', {
        method: 'GET',
        route: '/v1/orders/:id',
        status_code: '200',
      })[0]?.value,
    ).toBe(1);

    // SIGTERM right away, long before the batch processor's 5 s export timer: the spans can only
    // arrive through the flush in the kit's onClose hook, before close-with-grace exits.
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);

    const [server] = await receiver.waitFor((spans) =>
      spans.some((span) => span.kind === 'server'),
    );
    expect(server).toMatchObject({
      kind: 'server',
      name: 'GET /v1/orders/:id',
      attributes: expect.objectContaining({ 'http.route': '/v1/orders/:id' }),
      resource: expect.objectContaining({ 'service.name': 'orders' }),
    });
    expect(receiver.spans.filter((span) => span.kind === 'server')).toHaveLength(1);

    const requestLines = lines.filter((line) => line.requestId === 'req-42');
    expect(requestLines.map((line) => line.msg)).toEqual(['order read', 'request completed']);
    for (const line of requestLines) {
      expect(line).toMatchObject({
        service: 'orders',
        traceId: server?.traceId,
        spanId: server?.spanId,
      });
    }
  }, 20_000);
});
