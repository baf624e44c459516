/** Stable codes, so a caller (or a CI log search) can tell harness failures apart from test failures. */
export type TestingErrorCode =
  | 'TESTING_SERVICE_UNAVAILABLE'
  | 'TESTING_TEMPLATE_MIGRATION_FAILED'
  | 'TESTING_HANDLE_NOT_READY'
  | 'TESTING_INVALID_ARGUMENT'
  | 'TESTING_REDIS_SERVER_FAILED';

/** A failure of the test harness itself: a missing service, a broken migration, a misuse. */
export class TestingError extends Error {
  readonly code: TestingErrorCode;

  constructor(code: TestingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TestingError';
    this.code = code;
  }
}
