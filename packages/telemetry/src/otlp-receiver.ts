import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttributeValue = string | number | boolean;

/** A span as an OTLP exporter sent it, with the resource and scope it was sent under. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Resource attributes: `service.name`, `service.version`, `deployment.environment.name`. */
  readonly resource: Readonly<Record<string, AttributeValue>>;
  /** Instrumentation scope name (`@groundwork/telemetry/http`). */
  readonly scope: string;
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
}

export interface OtlpReceiver {
  /** Base URL to put in `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  /** Every span received so far, in arrival order. */
  readonly spans: readonly ReceivedSpan[];
  /** Resolves with the spans once `done(spans)` holds; rejects after `timeoutMs`. */
  waitFor(
    done: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP trace receiver on loopback, for tests that run services in child processes with
 * `OTEL_EXPORTER_OTLP_ENDPOINT` pointing here. It accepts the protobuf encoding that
 * `@groundwork/telemetry` exports (`POST /v1/traces`, `application/x-protobuf`) and decodes the
 * spans with a minimal protobuf reader, so tests need no collector and no protobuf library.
 *
 * @example
 * const receiver = await startOtlpReceiver();
 * spawn(node, ['--import', '@groundwork/telemetry/register', 'main.ts'], {
 *   env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
 * });
 * const [span] = await receiver.waitFor((spans) => spans.some((s) => s.kind === 'server'));
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readBody(request);
      if (!String(request.headers['content-type']).startsWith('application/x-protobuf')) {
        throw new Error(`unexpected content-type ${request.headers['content-type']}`);
      }
      spans.push(...decodeExportTraceServiceRequest(body));
      // An empty ExportTraceServiceResponse: every span accepted.
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    } catch (error) {
      response.writeHead(400).end(String(error));
    }
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    waitFor(done, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(spans)) return;
          cleanup();
          resolve([...spans]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `OTLP receiver: condition not met after ${timeoutMs} ms; got ${describe(spans)}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function describe(spans: readonly ReceivedSpan[]): string {
  return spans.length === 0
    ? 'no spans'
    : spans.map((span) => `${span.kind} "${span.name}"`).join(', ');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const KINDS: readonly ReceivedSpan['kind'][] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

/** A protobuf field: its number, and its payload as a number (varint, fixed) or bytes. */
interface Field {
  readonly number: number;
  readonly varint?: bigint;
  readonly bytes?: Buffer;
  readonly fixed64?: Buffer;
}

/** Splits a protobuf message into its fields (wire types 0, 1, 2 and 5). */
function* fields(message: Buffer): Generator<Field> {
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = message[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < message.length) {
    const key = Number(varint());
    const number = key >>> 3;
    switch (key & 7) {
      case 0:
        yield { number, varint: varint() };
        break;
      case 1:
        yield { number, fixed64: message.subarray(offset, offset + 8) };
        offset += 8;
        break;
      case 2: {
        const length = Number(varint());
        yield { number, bytes: message.subarray(offset, offset + length) };
        offset += length;
        break;
      }
      case 5:
        offset += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
}

/** opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest */
function decodeExportTraceServiceRequest(message: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of fields(message)) {
    if (resourceSpans.number !== 1 || resourceSpans.bytes === undefined) continue;
    let resource: Record<string, AttributeValue> = {};
    const scopeSpansList: Buffer[] = [];
    for (const field of fields(resourceSpans.bytes)) {
      if (field.number === 1 && field.bytes) resource = attributesOf(field.bytes, 1);
      if (field.number === 2 && field.bytes) scopeSpansList.push(field.bytes);
    }
    for (const scopeSpans of scopeSpansList) {
      let scope = '';
      for (const field of fields(scopeSpans)) {
        if (field.number === 1 && field.bytes) scope = stringField(field.bytes, 1);
        if (field.number === 2 && field.bytes) spans.push(decodeSpan(field.bytes, resource, scope));
      }
    }
  }
  return spans;
}

/** opentelemetry.proto.trace.v1.Span */
function decodeSpan(
  message: Buffer,
  resource: Record<string, AttributeValue>,
  scope: string,
): ReceivedSpan {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind: ReceivedSpan['kind'] = 'unspecified';
  let statusCode = 0;
  for (const field of fields(message)) {
    if (field.number === 1 && field.bytes) traceId = field.bytes.toString('hex');
    if (field.number === 2 && field.bytes) spanId = field.bytes.toString('hex');
    if (field.number === 4 && field.bytes) parentSpanId = field.bytes.toString('hex');
    if (field.number === 5 && field.bytes) name = field.bytes.toString('utf8');
    if (field.number === 6 && field.varint !== undefined)
      kind = KINDS[Number(field.varint)] ?? kind;
    if (field.number === 15 && field.bytes) {
      for (const status of fields(field.bytes)) {
        if (status.number === 3 && status.varint !== undefined) statusCode = Number(status.varint);
      }
    }
  }
  const attributes = attributesOf(message, 9);
  return { traceId, spanId, parentSpanId, name, kind, attributes, resource, scope, statusCode };
}

/** The repeated KeyValue field `number` of a message, as a plain object. */
function attributesOf(message: Buffer, number: number): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const field of fields(message)) {
    if (field.number !== number || field.bytes === undefined) continue;
    let key = '';
    let value: AttributeValue = '';
    for (const part of fields(field.bytes)) {
      if (part.number === 1 && part.bytes) key = part.bytes.toString('utf8');
      if (part.number === 2 && part.bytes) value = anyValue(part.bytes);
    }
    attributes[key] = value;
  }
  return attributes;
}

/** opentelemetry.proto.common.v1.AnyValue, scalar kinds only. */
function anyValue(message: Buffer): AttributeValue {
  for (const field of fields(message)) {
    if (field.number === 1 && field.bytes) return field.bytes.toString('utf8');
    if (field.number === 2 && field.varint !== undefined) return field.varint !== 0n;
    if (field.number === 3 && field.varint !== undefined)
      return Number(BigInt.asIntN(64, field.varint));
    if (field.number === 4 && field.fixed64) return field.fixed64.readDoubleLE(0);
  }
  return '';
}

function stringField(message: Buffer, number: number): string {
  for (const field of fields(message)) {
    if (field.number === number && field.bytes) return field.bytes.toString('utf8');
  }
  return '';
}
