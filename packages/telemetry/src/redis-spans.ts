import { tracingChannel } from 'node:diagnostics_channel';
import {
  type Attributes,
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
 * an ESM loader hook intercepts every import of the process. The channel needs neither.
 *
 * Only commands issued inside a sampled trace get a span: BullMQ's blocking polls and other
 * background commands would otherwise flood the trace backend with one-span traces.
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
      // Outside a trace, or inside one the sampler dropped: the span would record nothing (the
      // sampler follows its parent), so building it and its attributes is pure cost. Unsampled
      // requests are most requests once OTEL_TRACES_SAMPLER_ARG is below 1.
      if (trace.getSpan(parent)?.isRecording() !== true) return;
      const command = event.command.toUpperCase();
      const span = tracer.startSpan(
        command,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_DB_OPERATION_NAME]: command,
            ...serverAttributes(event),
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

const serverAttributesCache = new Map<string, Attributes>();

/**
 * The attributes that name the server, the same for every command of a client: built once per
 * server and database instead of once per command (the span copies them).
 */
function serverAttributes(event: RedisCommandEvent): Attributes {
  const key = `${event.serverAddress}:${event.serverPort}/${event.database}`;
  let attributes = serverAttributesCache.get(key);
  if (attributes === undefined) {
    attributes = {
      [ATTR_DB_SYSTEM_NAME]: 'redis',
      [ATTR_DB_NAMESPACE]: String(event.database),
      [ATTR_SERVER_ADDRESS]: event.serverAddress,
      ...(event.serverPort === undefined ? {} : { [ATTR_SERVER_PORT]: event.serverPort }),
    };
    serverAttributesCache.set(key, attributes);
  }
  return attributes;
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
