import { tracingChannel } from 'node:diagnostics_channel';
import {
  type Attributes,
  type Context,
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
import { Pipeline, Redis } from 'ioredis';

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
 * A command's span is a child of the context the command was issued in, which is not always the
 * one it is written in (see {@link rememberWhereCommandsAreIssued}).
 *
 * @returns a function that unsubscribes.
 */
export function traceRedisCommands(tracer: Tracer): () => void {
  const channel = tracingChannel<RedisCommandEvent>('ioredis:command');
  const forget = rememberWhereCommandsAreIssued();
  const finish = (event: TracedEvent) => {
    const span = event[SPAN];
    if (span === undefined) return;
    event[SPAN] = undefined;
    if (event.error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, errorType(event.error));
    }
    span.end();
  };
  const handlers = {
    start(event: TracedEvent) {
      const parent = writing?.[ISSUED_IN] ?? context.active();
      // Outside a trace, or inside one the sampler dropped: the span would record nothing (the
      // sampler follows its parent), so building it and its attributes is pure cost. Unsampled
      // requests are most requests once OTEL_TRACES_SAMPLER_ARG is below 1.
      if (trace.getSpan(parent)?.isRecording() !== true) return;
      const { name, attributes } = commandOf(event);
      // On the event itself rather than in a WeakMap: the event dies with the command, and a
      // WeakMap entry per command is work for the garbage collector.
      event[SPAN] = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    },
    // A command that throws synchronously ends here, its error already set; one that returns a
    // promise ends in asyncEnd, after its error (if any) has been set.
    end(event: TracedEvent) {
      if (event.error !== undefined) finish(event);
    },
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  };
  channel.subscribe(handlers);
  return () => {
    channel.unsubscribe(handlers);
    forget();
  };
}

const ISSUED_IN = Symbol('@groundwork/telemetry/redis-issued-in');
type Issued = { [ISSUED_IN]?: Context };
type RedisSend = typeof Redis.prototype.sendCommand;
type PipelineSend = typeof Pipeline.prototype.sendCommand;

/** The command `Redis#sendCommand` is writing now: the channel's `start` runs inside that call. */
let writing: Issued | undefined;

/**
 * ioredis publishes a command on its channel when it writes it, not when it is issued. Two kinds
 * of command are written elsewhere: one queued while the client was connecting (written by the
 * connect handler) and one auto-pipelined (written with every command of its tick, in the context
 * of the first: concurrent requests would all get the first one's span as parent). So each
 * command records the context it was issued in, the first time `sendCommand` sees it, and the
 * channel's handler reads it from the command being written. A Cluster client is not covered;
 * its commands keep the context they are written in.
 */
function rememberWhereCommandsAreIssued(): () => void {
  const redisSend = Redis.prototype.sendCommand;
  const pipelineSend = Pipeline.prototype.sendCommand;
  Redis.prototype.sendCommand = function sendCommand(this: Redis, ...args: Parameters<RedisSend>) {
    const command = args[0] as Issued;
    command[ISSUED_IN] ??= context.active();
    const outer = writing;
    writing = command;
    try {
      return redisSend.apply(this, args);
    } finally {
      writing = outer;
    }
  };
  Pipeline.prototype.sendCommand = function sendCommand(
    this: Pipeline,
    ...args: Parameters<PipelineSend>
  ) {
    (args[0] as Issued)[ISSUED_IN] ??= context.active();
    return pipelineSend.apply(this, args);
  };
  return () => {
    Redis.prototype.sendCommand = redisSend;
    Pipeline.prototype.sendCommand = pipelineSend;
  };
}

const SPAN = Symbol('@groundwork/telemetry/redis-span');
type TracedEvent = RedisCommandEvent & { [SPAN]?: Span | undefined };

interface CommandSpan {
  readonly name: string;
  readonly attributes: Attributes;
}

/**
 * Per server and database, per command: the span name and attributes, built once instead of per
 * command (the span copies them). Both sets are small: the clients' servers, Redis' commands.
 */
const commandSpans = new Map<string, Map<string, CommandSpan>>();
let lastServer:
  | {
      readonly address: string;
      readonly port: number | undefined;
      readonly database: number;
      readonly commands: Map<string, CommandSpan>;
    }
  | undefined;

function commandOf(event: RedisCommandEvent): CommandSpan {
  // A process talks to one Redis server in nearly every case: that one is found without a key.
  let commands: Map<string, CommandSpan> | undefined;
  if (
    lastServer?.address === event.serverAddress &&
    lastServer.port === event.serverPort &&
    lastServer.database === event.database
  ) {
    commands = lastServer.commands;
  } else {
    const key = `${event.serverAddress}:${event.serverPort}/${event.database}`;
    commands = commandSpans.get(key);
    if (commands === undefined) {
      commands = new Map();
      commandSpans.set(key, commands);
    }
    lastServer = {
      address: event.serverAddress,
      port: event.serverPort,
      database: event.database,
      commands,
    };
  }
  let command = commands.get(event.command);
  if (command === undefined) {
    const name = event.command.toUpperCase();
    command = {
      name,
      attributes: {
        [ATTR_DB_SYSTEM_NAME]: 'redis',
        [ATTR_DB_OPERATION_NAME]: name,
        [ATTR_DB_NAMESPACE]: String(event.database),
        [ATTR_SERVER_ADDRESS]: event.serverAddress,
        ...(event.serverPort === undefined ? {} : { [ATTR_SERVER_PORT]: event.serverPort }),
      },
    };
    commands.set(event.command, command);
  }
  return command;
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
