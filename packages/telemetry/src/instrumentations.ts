import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/**
 * The OpenTelemetry instrumentations Groundwork turns on, chosen instead of the
 * auto-instrumentations bundle (which patches some forty modules and was measured at ~2.8x the
 * CPU of a raw request):
 *
 * - http, outgoing only: client spans of node:http calls made inside a trace, and the W3C
 *   `traceparent` they carry. Incoming requests are traced by `traceHttpServers` (http-spans.ts),
 *   at a fraction of this instrumentation's cost.
 * - pg: one span per query and per pool checkout (a slow checkout means an exhausted pool). Prisma
 *   with `@prisma/adapter-pg` runs its SQL through pg, so this covers Prisma as well, without the
 *   extra Prisma engine spans.
 *
 * Traced without an instrumentation package, from hooks Node and the libraries publish:
 * - incoming http (`traceHttpServers`) and undici/fetch (`traceUndiciRequests`, undici's
 *   diagnostics channels): http-spans.ts.
 * - ioredis: ioredis 6 publishes its own diagnostics channels (redis-spans.ts).
 * - BullMQ: the producer and consumer spans of job-spans.ts, linked through `traceparent` in the
 *   job data.
 * - fastify: not traced on its own; the service kit names the http server span after the matched
 *   route, which is what the per-hook spans of @fastify/otel would add at a far higher cost.
 *
 * None of them gets a meter provider: the RED metrics come from the service kit, always on,
 * whether or not tracing is.
 */
export function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      disableIncomingRequestInstrumentation: true,
      // An outgoing call outside any request or job is background chatter, not a trace.
      requireParentforOutgoingSpans: true,
    }),
    // Query parameters stay out of spans (enhancedDatabaseReporting off): they hold user data.
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}
