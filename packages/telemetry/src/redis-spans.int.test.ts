import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { useInMemoryTracing } from '../test/support/in-memory-tracing.ts';

describeWithServices('Redis command spans', ['redis'], () => {
  const tracing = useInMemoryTracing();
  const redis = useRedis();
  const tracer = () => trace.getTracer('test');

  test('when a Redis command runs inside a span, then a client span named after the command is its child and carries no arguments', async () => {
    await tracer().startActiveSpan('GET /v1/products/:id', async (parent) => {
      await redis.client.set('product:42', 'secret-value');
      await redis.client.get('product:42');
      parent.end();
    });

    const [set, get, parent] = tracing.spans();
    expect([set?.name, get?.name, parent?.name]).toEqual(['SET', 'GET', 'GET /v1/products/:id']);
    for (const span of [set, get]) {
      expect(span?.kind).toBe(SpanKind.CLIENT);
      expect(span?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
      expect(span?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    }
    expect(get?.attributes).toEqual({
      'db.system.name': 'redis',
      'db.operation.name': 'GET',
      'db.namespace': '0',
      'server.address': expect.any(String),
      'server.port': expect.any(Number),
    });
    expect(JSON.stringify(set?.attributes)).not.toContain('secret-value');
    expect(JSON.stringify(set?.attributes)).not.toContain('product:42');
  });

  test('when a Redis command runs outside any trace, then no span is recorded', async () => {
    await redis.client.get('product:42');
    expect(tracing.spans()).toEqual([]);
  });

  test('when a Redis command runs inside a trace the sampler dropped, then no span is recorded', async () => {
    const unsampled = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });

    await context.with(unsampled, () => redis.client.get('product:42'));

    expect(tracing.spans()).toEqual([]);
  });

  test('when a Redis command fails, then its span is marked as an error', async () => {
    await redis.client.set('counter', 'not-a-number');
    await tracer().startActiveSpan('job', async (parent) => {
      await expect(redis.client.incr('counter')).rejects.toThrow(/not an integer/);
      parent.end();
    });

    const incr = tracing.spans().find((span) => span.name === 'INCR');
    expect(incr?.status.code).toBe(SpanStatusCode.ERROR);
    expect(incr?.attributes['error.type']).toBe('ReplyError');
  });
});

describeWithServices('Redis command spans, auto-pipelined', ['redis'], () => {
  const tracing = useInMemoryTracing();
  const redis = useRedis();

  test('when two requests send commands in the same tick through an auto-pipelining client, then each command span is a child of its own request', async () => {
    const client = new Redis(redis.url, { enableAutoPipelining: true });
    await client.ping();
    const tracer = trace.getTracer('test');
    const request = (name: string) =>
      tracer.startActiveSpan(name, async (span) => {
        await client.get(`${name}:key`);
        span.end();
        return span.spanContext().spanId;
      });

    const [first, second] = await Promise.all([request('first'), request('second')]);
    await client.quit();

    const gets = tracing.spans().filter((span) => span.name === 'GET');
    expect(gets.map((span) => span.parentSpanContext?.spanId).sort()).toEqual(
      [first, second].sort(),
    );
  });

  test('when a command is issued while the client is still connecting, then its span is a child of the span it was issued in', async () => {
    // Not ready yet: the command waits in the offline queue and is written by the connect handler.
    const client = new Redis(redis.url);
    const parent = await trace.getTracer('test').startActiveSpan('job', async (span) => {
      await client.get('queued:key');
      span.end();
      return span.spanContext().spanId;
    });
    await client.quit();

    const get = tracing.spans().find((span) => span.name === 'GET');
    expect(get?.parentSpanContext?.spanId).toBe(parent);
  });
});
