import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes arrive every few seconds from the platform: spans for them are noise. */
const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * The instrumentations Groundwork turns on, chosen instead of the auto-instrumentations bundle
 * (which patches some forty modules and was measured at ~2.8x the CPU of a raw request):
 *
 * - http: the server span of every request (named by the route the service kit reports) and
 *   client spans of node:http calls; the W3C `traceparent` goes in and out here.
 * - undici: client spans of `fetch` and undici calls (the gateway's proxy), via diagnostics
 *   channels, so no patching.
 * - pg: one span per query and per pool checkout (a slow checkout means an exhausted pool). Prisma
 *   with `@prisma/adapter-pg` runs its SQL through pg, so this covers Prisma as well, without the
 *   extra Prisma engine spans.
 * - ioredis: not here; ioredis 6 publishes its own diagnostics channels (see redis-spans.ts).
 * - fastify: not here; the service kit names the http server span after the matched route,
 *   which is what the per-hook spans of @fastify/otel would add at a far higher cost.
 *
 * None of them gets a meter provider: the RED metrics come from the service kit, always on,
 * whether or not tracing is.
 */
export function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      // An outgoing call outside any request or job is background chatter, not a trace.
      requireParentforOutgoingSpans: true,
    }),
    new UndiciInstrumentation({ requireParentforSpans: true }),
    // Query parameters stay out of spans (enhancedDatabaseReporting off): they hold user data.
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}
