import type { FieldError } from '@groundwork/errors';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { type BackoffPolicy, checkBackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';

/** Suffix of the queue that holds a queue's dead letters: `orders` → `orders.dlq`. */
export const DEAD_LETTER_SUFFIX = '.dlq';

const DEFAULT_ATTEMPTS = 5;

/**
 * A kind of job, shared by the code that enqueues it and the code that runs it, so both sides
 * agree on its queue, its payload and how hard to try.
 */
export interface JobDefinition<Name extends string = string, Schema extends TSchema = TSchema> {
  readonly name: Name;
  readonly queue: string;
  readonly schema: Schema;
  /** Runs in all, the first included; after the last failed one the job is dead-lettered. */
  readonly attempts: number;
  readonly backoff: BackoffPolicy;
  /** What is wrong with `payload`, one entry per field (`/orderId`); empty when it conforms. */
  validate(payload: unknown): readonly FieldError[];
}

export interface JobDefinitionInput<Name extends string, Schema extends TSchema> {
  /** Unique within the queue; workers dispatch on it. */
  readonly name: Name;
  /** The BullMQ queue; one worker pool consumes each queue. No `:` (BullMQ's key separator). */
  readonly queue: string;
  /** TypeBox schema of the payload, checked when enqueued and again when run. */
  readonly schema: Schema;
  /** Defaults to 5. */
  readonly attempts?: number;
  /** Defaults to {@link DEFAULT_BACKOFF}; give only the fields you change. */
  readonly backoff?: Partial<BackoffPolicy>;
}

/** The payload type of a job definition. */
export type PayloadOf<D extends JobDefinition> = Static<D['schema']>;

/**
 * Declares a job: its name, its queue, its payload schema and its retry policy. Import the same
 * definition in the producer and in the worker; both validate payloads against it.
 *
 * @example
 * export const sendOrderConfirmation = defineJob({
 *   name: 'send-order-confirmation',
 *   queue: 'notifications',
 *   schema: Type.Object({ orderId: Type.String({ format: 'uuid' }) }),
 *   attempts: 8,
 *   backoff: { initialDelayMs: 2_000 },
 * });
 */
export function defineJob<const Name extends string, const Schema extends TSchema>(
  input: JobDefinitionInput<Name, Schema>,
): JobDefinition<Name, Schema> {
  const { name, queue, schema, attempts = DEFAULT_ATTEMPTS } = input;
  const where = `defineJob(${JSON.stringify(name)})`;
  if (name === '') throw new TypeError('defineJob: name must not be empty');
  assertQueueName(queue, where);
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`${where}: attempts must be an integer >= 1`);
  }
  const backoff = checkBackoffPolicy({ ...DEFAULT_BACKOFF, ...input.backoff }, where);
  // Compiled once here, not per job: validation runs on every enqueue and every attempt.
  const validator = Compile(schema);
  return Object.freeze({
    name,
    queue,
    schema,
    attempts,
    backoff,
    validate: (payload: unknown) =>
      validator.Check(payload) ? [] : fieldErrorsOf(validator.Errors(payload)),
  });
}

function assertQueueName(queue: string, where: string): void {
  if (queue === '' || queue.includes(':')) {
    throw new TypeError(`${where}: queue must be a non-empty name without ':'`);
  }
  if (queue.endsWith(DEAD_LETTER_SUFFIX)) {
    throw new TypeError(`${where}: queue names ending in ${DEAD_LETTER_SUFFIX} hold dead letters`);
  }
}

function fieldErrorsOf(issues: readonly TLocalizedValidationError[]): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of issues) {
    // `additionalProperties: false` reports each extra key twice; the `boolean` entry adds nothing.
    if (issue.keyword === 'boolean') continue;
    if (issue.keyword === 'required') {
      for (const property of issue.params.requiredProperties) {
        fields.push({ field: pointer(issue.instancePath, property), message: 'is required' });
      }
    } else if (issue.keyword === 'additionalProperties') {
      for (const property of issue.params.additionalProperties) {
        fields.push({ field: pointer(issue.instancePath, property), message: 'is not allowed' });
      }
    } else {
      fields.push({ field: issue.instancePath || '/', message: issue.message });
    }
  }
  return fields;
}

function pointer(parent: string, property: string): string {
  return `${parent}/${property.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** One line naming every failing field, for logs and dead letters: `/qty must be >= 1; /id is required`. */
export function describeFieldErrors(fields: readonly FieldError[]): string {
  return fields.map(({ field, message }) => `${field} ${message}`).join('; ');
}
