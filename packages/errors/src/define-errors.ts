import { AppError, type AppErrorOptions, type ErrorKind, type ErrorSpec } from './app-error.ts';

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

export interface ErrorDefinition extends ErrorSpec {
  /** Builds the error; `detail` is shown to clients, so keep secrets and internals out of it. */
  create(detail?: string, options?: AppErrorOptions): AppError;
  /** True for an error built from this definition. */
  is(error: unknown): error is AppError;
}

export type ErrorCatalogue<T extends Record<string, { kind: ErrorKind; title: string }>> = {
  readonly [Code in keyof T]: ErrorDefinition;
};

/**
 * Declares a package's error catalogue: one place that lists every failure it can report, each
 * with a stable code that clients and dashboards may depend on.
 *
 * @example
 * export const ordersErrors = defineErrors({
 *   ORDERS_OUT_OF_STOCK: { kind: 'conflict', title: 'Out of stock' },
 * });
 * throw ordersErrors.ORDERS_OUT_OF_STOCK.create(`Only ${stock} left of ${sku}`);
 */
export function defineErrors<const T extends Record<string, { kind: ErrorKind; title: string }>>(
  catalogue: T,
): ErrorCatalogue<T> {
  const definitions: Record<string, ErrorDefinition> = {};
  for (const [code, { kind, title }] of Object.entries(catalogue)) {
    if (!CODE.test(code)) throw new TypeError(`Error code ${code} is not SCREAMING_SNAKE_CASE`);
    const spec: ErrorSpec = { code, kind, title };
    definitions[code] = Object.freeze({
      ...spec,
      create: (detail?: string, options?: AppErrorOptions) => new AppError(spec, detail, options),
      is: (error: unknown): error is AppError => error instanceof AppError && error.code === code,
    });
  }
  return Object.freeze(definitions) as ErrorCatalogue<T>;
}
