import { context, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from './create-logger.ts';
import { recordLines } from './record-lines.ts';

const SAMPLED: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

function capture() {
  const { lines, destination } = recordLines();
  return { lines, logger: createLogger({ service: 'orders', destination }) };
}

/** Runs `fn` with `spanContext` as the active span, as the tracer does for a request or job. */
function inSpan(spanContext: SpanContext, fn: () => void) {
  context.with(trace.setSpan(context.active(), trace.wrapSpanContext(spanContext)), fn);
}

describe('trace ids on log lines', () => {
  // The API is a no-op until a context manager is registered, as startTelemetry does.
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });

  test('when a line is logged inside a span, then it carries the traceId and spanId of that span', async () => {
    const { lines, logger } = capture();
    inSpan(SAMPLED, () => logger.child({ requestId: 'r-1' }).info('order placed'));
    // and across an await, where AsyncLocalStorage keeps the span
    await new Promise<void>((resolve) =>
      inSpan(SAMPLED, async () => {
        await Promise.resolve();
        logger.info('after await');
        resolve();
      }),
    );

    expect(lines[0]).toMatchObject({
      requestId: 'r-1',
      traceId: SAMPLED.traceId,
      spanId: SAMPLED.spanId,
    });
    expect(lines[1]).toMatchObject({ traceId: SAMPLED.traceId, spanId: SAMPLED.spanId });
  });

  test('when a line is logged outside any span, then it has no traceId or spanId', () => {
    const { lines, logger } = capture();
    logger.info('boot');
    expect(lines[0]).not.toHaveProperty('traceId');
    expect(lines[0]).not.toHaveProperty('spanId');
  });

  test('when the trace was not sampled, then its ids are still logged so the hops stay joinable', () => {
    const { lines, logger } = capture();
    inSpan({ ...SAMPLED, traceFlags: TraceFlags.NONE }, () => logger.info('unsampled'));
    expect(lines[0]).toMatchObject({ traceId: SAMPLED.traceId, spanId: SAMPLED.spanId });
  });

  test('when the span context is invalid, then no ids are logged', () => {
    const { lines, logger } = capture();
    inSpan({ ...SAMPLED, traceId: '0'.repeat(32) }, () => logger.info('invalid'));
    expect(lines[0]).not.toHaveProperty('traceId');
  });

  test('when a line inside a span holds credentials, then they are still redacted', () => {
    const { lines, logger } = capture();
    inSpan(SAMPLED, () =>
      logger.info({ req: { headers: { authorization: 'Bearer eyJ.secret' } }, password: 'p0' }),
    );
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('eyJ.secret');
    expect(line).not.toContain('"p0"');
    expect(lines[0]).toMatchObject({ traceId: SAMPLED.traceId });
  });
});
