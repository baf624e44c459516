/**
 * What went wrong, in the domain's words. The kind decides the HTTP status at the edge
 * (see `httpStatusOf`); domain code never names a status itself.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'unprocessable'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'bad_gateway'
  | 'unavailable'
  | 'timeout'
  | 'internal';

export interface ErrorSpec {
  /** Stable, SCREAMING_SNAKE, prefixed by the owning package: `ORDERS_OUT_OF_STOCK`. */
  readonly code: string;
  readonly kind: ErrorKind;
  /** Short, human, the same for every occurrence: "Out of stock". */
  readonly title: string;
}

/** One failing input, located by a JSON pointer into the request: `/body/email`, `/query/limit`. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly cause?: unknown;
  readonly fields?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
}

/** A failure the application can name. Its `message` is the client-safe detail. */
export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly title: string;
  readonly fields: readonly FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(spec: ErrorSpec, detail?: string, options: AppErrorOptions = {}) {
    super(detail ?? spec.title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = spec.code;
    this.kind = spec.kind;
    this.title = spec.title;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
