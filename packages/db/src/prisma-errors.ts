import type { AppError } from '@groundwork/errors';
import { dbErrors } from './db-errors.ts';

/** How Prisma 7 reports a database failure met through a driver adapter (duck-typed: the class
 * lives in each service's generated client, so `instanceof` would tie us to one copy). */
interface PrismaKnownError {
  name: 'PrismaClientKnownRequestError';
  code: string;
  meta?: {
    modelName?: string;
    driverAdapterError?: {
      cause?: { kind?: string; originalCode?: string; code?: string; originalMessage?: string };
    };
  };
}

/** SQLSTATEs worth a name: https://www.postgresql.org/docs/current/errcodes-appendix.html */
const SQLSTATE = {
  queryCanceled: '57014', // statement_timeout, or a cancel request
  serializationFailure: '40001',
  deadlock: '40P01',
  adminShutdown: '57P01',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
};

/** pg's message when no pooled connection frees up within `connectionTimeoutMillis`. */
const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

/** Seconds a client should wait before retrying when the database is saturated or away. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Turns a database failure into the domain error it means, or returns `error` unchanged when it
 * has no domain meaning (a bug, which the edge reports as a 500). The original error stays
 * attached as `cause` for the logs; the detail never carries values, SQL or constraint names.
 *
 * @example
 * try {
 *   return await prisma.product.create({ data });
 * } catch (error) {
 *   throw toDomainError(error);
 * }
 */
export function toDomainError(error: unknown): unknown {
  if (isPrismaKnownError(error)) return fromPrismaError(error) ?? error;
  if (error instanceof Error && error.message === POOL_TIMEOUT_MESSAGE) {
    return dbErrors.DB_UNAVAILABLE.create('No database connection became free in time.', {
      cause: error,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
  return error;
}

function fromPrismaError(error: PrismaKnownError): AppError | undefined {
  const model = error.meta?.modelName ?? 'record';
  const cause = error.meta?.driverAdapterError?.cause;
  const sqlState = cause?.originalCode ?? cause?.code;
  const options = { cause: error };
  switch (error.code) {
    case 'P2002':
      return dbErrors.DB_ALREADY_EXISTS.create(
        `A ${model} with the same unique values already exists.`,
        options,
      );
    case 'P2003':
      // Postgres words a violated FK by the side that broke it: inserting a dangling reference
      // ("insert or update on table") or removing a row still referred to ("update or delete").
      return cause?.originalMessage?.startsWith('update or delete')
        ? dbErrors.DB_STILL_REFERENCED.create(
            `The ${model} is still referred to by other records.`,
            options,
          )
        : dbErrors.DB_REFERENCE_NOT_FOUND.create(
            `The ${model} refers to a record that does not exist.`,
            options,
          );
    case 'P2025':
      return dbErrors.DB_NOT_FOUND.create(`No such ${model}.`, options);
    case 'P2034':
      return dbErrors.DB_TRANSACTION_CONFLICT.create('Retry the request.', options);
  }
  if (sqlState === SQLSTATE.queryCanceled) {
    return dbErrors.DB_TIMEOUT.create('The database query exceeded its time limit.', options);
  }
  if (sqlState === SQLSTATE.serializationFailure || sqlState === SQLSTATE.deadlock) {
    return dbErrors.DB_TRANSACTION_CONFLICT.create('Retry the request.', options);
  }
  if (
    cause?.kind === 'DatabaseNotReachable' ||
    sqlState === SQLSTATE.adminShutdown ||
    sqlState === SQLSTATE.cannotConnectNow ||
    sqlState === SQLSTATE.tooManyConnections
  ) {
    return dbErrors.DB_UNAVAILABLE.create('The database cannot be reached.', {
      ...options,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
  return undefined;
}

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
