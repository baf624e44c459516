import { tracingChannel } from 'node:diagnostics_channel';
import {
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';

/** What ioredis publishes for each command (its `CommandTraceContext`). */
interface RedisCommandEvent {
  readonly command: string;
  readonly database: number;
  readonly serverAddress: string;
  readonly serverPort: number | undefined;
  /** Set by the channel when the command failed. */
  readonly error?: unknown;
}

/**
 * Opens a client span per Redis command from ioredis 6's own `ioredis:command` tracing channel.
 *
 * Why not @opentelemetry/instrumentation-ioredis: it patches `Redis.prototype.sendCommand` when
 * `require('ioredis')` runs, which never happens when ESM code imports ioredis (ours does), unless
 * an ESM loader hook intercepts every import of the process. The channel needs neither, and costs
 * nothing while nobody subscribes.
 *
 * Only commands issued inside a trace get a span: BullMQ's blocking polls and other background
 * commands would otherwise flood the trace backend with one-span traces.
 *
 * Spans carry the command name, never its arguments: keys and values hold user data, and
 * BullMQ's EVALSHA arguments hold whole job payloads.
 *
 * @returns a function that unsubscribes.
 */
export function traceRedisCommands(tracer: Tracer): () => void {
  const channel = tracingChannel<RedisCommandEvent>('ioredis:command');
  const spans = new WeakMap<object, Span>();
  const finish = (event: RedisCommandEvent) => {
    const span = spans.get(event);
    if (span === undefined) return;
    spans.delete(event);
    if (event.error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, errorType(event.error));
    }
    span.end();
  };
  const handlers = {
    start(event: RedisCommandEvent) {
      const parent = context.active();
      if (trace.getSpan(parent) === undefined) return;
      const span = tracer.startSpan(
        event.command.toUpperCase(),
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_DB_SYSTEM_NAME]: 'redis',
            [ATTR_DB_OPERATION_NAME]: event.command.toUpperCase(),
            [ATTR_DB_NAMESPACE]: String(event.database),
            [ATTR_SERVER_ADDRESS]: event.serverAddress,
            ...(event.serverPort === undefined ? {} : { [ATTR_SERVER_PORT]: event.serverPort }),
          },
        },
        parent,
      );
      spans.set(event, span);
    },
    // A command that throws synchronously ends here, its error already set; one that returns a
    // promise ends in asyncEnd, after its error (if any) has been set.
    end(event: RedisCommandEvent) {
      if (event.error !== undefined) finish(event);
    },
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
