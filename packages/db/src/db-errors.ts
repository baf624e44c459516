import { defineErrors } from '@groundwork/errors';

/**
 * Failures the data layer reports, as domain errors: the service kit turns their kind into an
 * HTTP status, so repositories never speak HTTP.
 */
export const dbErrors = defineErrors({
  DB_NOT_FOUND: { kind: 'not_found', title: 'Not found' },
  DB_ALREADY_EXISTS: { kind: 'conflict', title: 'Already exists' },
  DB_REFERENCE_NOT_FOUND: { kind: 'conflict', title: 'A referenced record does not exist' },
  DB_STILL_REFERENCED: { kind: 'conflict', title: 'Other records still refer to this one' },
  DB_VERSION_CONFLICT: { kind: 'conflict', title: 'The record was changed by someone else' },
  DB_VERSION_MISMATCH: { kind: 'precondition_failed', title: 'The record has another version' },
  DB_TRANSACTION_CONFLICT: { kind: 'conflict', title: 'A concurrent change got in the way' },
  DB_TIMEOUT: { kind: 'timeout', title: 'The database took too long' },
  DB_UNAVAILABLE: { kind: 'unavailable', title: 'The database is unavailable' },
  DB_MISCONFIGURED: { kind: 'internal', title: 'The database connection is misconfigured' },
  DB_INVALID_CURSOR: { kind: 'invalid', title: 'Invalid cursor' },
  DB_INVALID_LIST_QUERY: { kind: 'invalid', title: 'Invalid list query' },
});
