import { defineErrors } from './define-errors.ts';

/** Failures that any service can report; package catalogues add their own, prefixed codes. */
export const commonErrors = defineErrors({
  VALIDATION_FAILED: { kind: 'invalid', title: 'The request is not valid' },
  MALFORMED_REQUEST: { kind: 'invalid', title: 'The request could not be parsed' },
  UNAUTHENTICATED: { kind: 'unauthenticated', title: 'Authentication is required' },
  FORBIDDEN: { kind: 'forbidden', title: 'Not allowed' },
  NOT_FOUND: { kind: 'not_found', title: 'Not found' },
  ROUTE_NOT_FOUND: { kind: 'not_found', title: 'No such route' },
  CONFLICT: { kind: 'conflict', title: 'Conflict with the current state' },
  PRECONDITION_FAILED: { kind: 'precondition_failed', title: 'Precondition failed' },
  PAYLOAD_TOO_LARGE: { kind: 'too_large', title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { kind: 'unsupported_media_type', title: 'Unsupported media type' },
  RATE_LIMITED: { kind: 'rate_limited', title: 'Too many requests' },
  BAD_GATEWAY: { kind: 'bad_gateway', title: 'Bad gateway' },
  SERVICE_UNAVAILABLE: { kind: 'unavailable', title: 'Service unavailable' },
  TIMEOUT: { kind: 'timeout', title: 'The operation timed out' },
  INTERNAL: { kind: 'internal', title: 'Internal error' },
});
