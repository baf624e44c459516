import { defineErrors } from '@groundwork/errors';

/** Every failure packages/queue reports, with codes that dashboards and runbooks may rely on. */
export const queueErrors = defineErrors({
  QUEUE_INVALID_PAYLOAD: { kind: 'invalid', title: 'The job payload does not match its schema' },
  QUEUE_UNAVAILABLE: { kind: 'unavailable', title: 'The job queue is unavailable' },
  QUEUE_EVICTION_POLICY: {
    kind: 'internal',
    title: 'Redis may evict queue data: maxmemory-policy must be noeviction',
  },
  QUEUE_DEAD_LETTER_NOT_FOUND: { kind: 'not_found', title: 'No such dead letter' },
  QUEUE_DEAD_LETTER_AMBIGUOUS: {
    kind: 'conflict',
    title: 'Several dead-letter queues hold this job id',
  },
  QUEUE_REPLAY_CONFLICT: { kind: 'conflict', title: 'The job is still in its queue' },
});
