/**
 * One line for a failed connection attempt. Node reports a refused dual-stack connect as an
 * `AggregateError` whose own message is empty, so the first inner error speaks for it.
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) {
    return describeError(error.errors[0]);
  }
  if (error instanceof Error) {
    if (error.message !== '') return error.message;
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return String(error);
}
