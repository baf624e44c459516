/** Throw it from a handler for a failure no retry can fix: the job is dead-lettered at once. */
export { UnrecoverableError } from 'bullmq';
export { BACKOFF_STRATEGY, type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
export { createQueueConnection, DEFAULT_PREFIX, type QueueConnection } from './connection.ts';
export {
  createProducer,
  type EnqueueOptions,
  type Producer,
  type ProducerOptions,
} from './create-producer.ts';
export {
  createWorker,
  type JobHandler,
  type QueueWorker,
  type ReceivedJob,
  type Retention,
  type WorkerOptions,
} from './create-worker.ts';
export {
  type DeadLetter,
  type DeadLetterQuery,
  deadLetterQueueName,
  dropDeadLetter,
  findDeadLetterQueues,
  listDeadLetters,
  replayDeadLetter,
} from './dead-letters.ts';
export {
  DEAD_LETTER_SUFFIX,
  defineJob,
  type JobDefinition,
  type JobDefinitionInput,
  type PayloadOf,
} from './define-job.ts';
export { assertNoEviction, readEvictionPolicy } from './eviction-policy.ts';
export { isTraceparent } from './job-data.ts';
export { queueErrors } from './queue-errors.ts';
export type { QueueLogger } from './queue-logger.ts';
