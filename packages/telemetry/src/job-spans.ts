import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** The job a span is about. */
export interface TracedJob {
  /** Queue name: the span's destination (`orders-events`). */
  readonly queue: string;
  /** Job name (`send-order-confirmation`). */
  readonly name: string;
  /** Job id, the deduplication key (for events, the event id). */
  readonly id: string;
}

/** A job as a worker received it, with the trace context its producer stored in the job data. */
export interface TraceEnqueueOptions {
  /**
   * The `traceparent` the producer span continues instead of the active context: an outbox relay
   * passes the one stored with the event, so the hop joins the trace of the request that wrote it.
   */
  readonly parent?: string;
}

export interface ReceivedTracedJob extends TracedJob {
  readonly traceparent: string | undefined;
  /** 1 on the first run. */
  readonly attempt?: number;
}

// Messaging attributes are still incubating in the semantic conventions; spelled out here.
const ATTR_MESSAGING_SYSTEM = 'messaging.system';
const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';

const tracer = () => trace.getTracer('@groundwork/telemetry/queue');

/**
 * The W3C `traceparent` of the active span, or undefined outside a trace or when tracing is off.
 *
 * @example
 * await outbox.write(tx, { type: 'order.placed', payload, traceparent: activeTraceparent() });
 */
export function activeTraceparent(): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `enqueue` inside a producer span `send <queue>` and hands it that span's `traceparent`
 * to store in the job data, so that the job's consumer span joins the same trace.
 *
 * @example
 * await traceEnqueue({ queue: job.queue, name: job.name, id: event.id }, (traceparent) =>
 *   producer.enqueue(job, payload, { jobId: event.id, traceparent }),
 * );
 */
export function traceEnqueue<T>(
  job: TracedJob,
  enqueue: (traceparent: string | undefined) => Promise<T>,
  options: TraceEnqueueOptions = {},
): Promise<T> {
  const send = () =>
    tracer().startActiveSpan(
      `send ${job.queue}`,
      { kind: SpanKind.PRODUCER, attributes: jobAttributes(job, 'send') },
      (span) => settle(span, () => enqueue(activeTraceparent())),
    );
  if (options.parent === undefined) return send();
  return context.with(propagation.extract(ROOT_CONTEXT, { traceparent: options.parent }), send);
}

/**
 * Runs a job handler inside a consumer span `process <queue>`, the child of the producer span
 * whose `traceparent` the job carries (a job without one starts a trace of its own). Log lines
 * written by the handler carry the trace id.
 *
 * @example
 * createWorker(definitions, (job) =>
 *   traceJob({ ...job, queue: 'orders-events' }, () => handle(job)),
 * );
 */
export function traceJob<T>(job: ReceivedTracedJob, handle: () => Promise<T>): Promise<T> {
  const parent =
    job.traceparent === undefined
      ? ROOT_CONTEXT
      : propagation.extract(ROOT_CONTEXT, { traceparent: job.traceparent });
  const attributes = jobAttributes(job, 'process');
  if (job.attempt !== undefined) attributes['bullmq.job.attempt'] = job.attempt;
  return tracer().startActiveSpan(
    `process ${job.queue}`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    (span) => settle(span, handle),
  );
}

function jobAttributes(job: TracedJob, operation: 'send' | 'process'): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: 'bullmq',
    [ATTR_MESSAGING_DESTINATION_NAME]: job.queue,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
    [ATTR_MESSAGING_MESSAGE_ID]: job.id,
    'bullmq.job.name': job.name,
  };
}

/**
 * Ends the span when `run` settles. A failure marks the span as an error with its type only:
 * exception messages can hold user data, and the log line of the failure carries the trace id.
 */
async function settle<T>(span: Span, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'Error');
    throw error;
  } finally {
    span.end();
  }
}
