import { AsyncLocalStorage } from 'node:async_hooks';

export interface TenancyOptions {
  /**
   * The tenant the current work acts for, from its verified token: `() => currentTenant().org`.
   * It must throw when there is none; the guard then runs no query at all.
   */
  readonly tenant: () => string;
  /**
   * The tenant-owned models, as Prisma names them, each with the field that holds the tenant id:
   * `{ Product: 'orgId', Order: 'orgId' }`. A model missing here is still covered by row-level
   * security, whose setting the guard sets for every query.
   */
  readonly models: Readonly<Record<string, string>>;
  /** The run-time setting the row-level security policies read. Default `app.org_id`. */
  readonly setting?: string;
}

/** The parts of a generated PrismaClient the guard uses. */
interface ExtendableClient {
  $extends(extension: object): unknown;
}
interface BaseClient {
  $transaction(queries: unknown[]): Promise<unknown[]>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}
interface TransactionHost {
  $transaction<R>(work: (tx: RawExecutor) => Promise<R>, options?: object): Promise<R>;
}
interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}
type Args = Record<string, unknown>;
interface QueryHookInput {
  readonly model?: string;
  readonly operation: string;
  readonly args: Args;
  query(args: Args): Promise<unknown>;
}

/** Operations that read or delete existing rows: their `where` gains the tenant. */
const FILTERED = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'delete',
  'deleteMany',
]);
/** Operations that change existing rows: `where` gains the tenant, `data` may not move them. */
const UPDATING = new Set(['update', 'updateMany', 'updateManyAndReturn']);
/** Operations that insert rows: their `data` gains the tenant. */
const CREATING = new Set(['create', 'createMany', 'createManyAndReturn']);

const SETTING = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

/**
 * Scopes a Prisma client to the tenant of the current work, in one mechanism with two lines of
 * defence. Every operation on a tenant-owned model gets the tenant added to its `where` (reads,
 * updates, deletes: another tenant's row is simply not found) and to its `data` (creates; a
 * different tenant id there throws). And every query, raw SQL included, runs in a transaction
 * that first calls `set_config('app.org_id', <tenant>, true)`, so PostgreSQL row-level security
 * policies on `current_setting('app.org_id')` filter whatever the `where` missed.
 *
 * The database must enforce the policies (`ENABLE` and `FORCE ROW LEVEL SECURITY`) and the client
 * must run as a role without SUPERUSER or BYPASSRLS (see `withSessionRole` and
 * `checkRowLevelSecurity`). Only the callback form of `$transaction` is allowed; inside it, use
 * its `tx`: the tenant is set once, as the transaction's first statement. Nested writes and
 * includes are not rewritten: the composite foreign keys and the policies cover them. Prisma
 * queries run when awaited, so await them inside the tenant's work, where `tenant()` answers.
 *
 * @example
 * const prisma = withTenancy(db.prisma, {
 *   tenant: () => currentTenant().org,
 *   models: { Product: 'orgId', Order: 'orgId', OrderLine: 'orgId' },
 * });
 * // SELECT ... WHERE id = $1 AND "orgId" = <the caller's org>, with app.org_id set as well
 * const product = await prisma.product.findUnique({ where: { id } });
 * await prisma.$transaction(async (tx) => {
 *   await tx.order.create({ data: { customerId, totalMinor, currency } }); // orgId added
 * });
 */
export function withTenancy<Client extends ExtendableClient>(
  client: Client,
  options: TenancyOptions,
): Client {
  const setting = options.setting ?? 'app.org_id';
  if (!SETTING.test(setting)) {
    throw new TypeError(`withTenancy: setting must look like "app.org_id" (got "${setting}")`);
  }
  const columns = new Map(Object.entries(options.models));
  // The tenant of the interactive transaction the current async context runs in, if any.
  const openTransaction = new AsyncLocalStorage<string>();
  const base = client as unknown as BaseClient;

  const scoped = client.$extends({
    name: 'tenancy',
    query: {
      async $allOperations({ model, operation, args, query }: QueryHookInput) {
        const tenant = options.tenant();
        const column = model === undefined ? undefined : columns.get(model);
        const scopedArgs =
          column === undefined ? args : scopeArgs(model ?? '', operation, args, column, tenant);
        const inTransaction = openTransaction.getStore();
        if (inTransaction !== undefined) {
          if (inTransaction !== tenant) {
            throw new Error('withTenancy: the tenant changed inside a transaction');
          }
          return query(scopedArgs);
        }
        // Outside an interactive transaction, the setting and the query share a short one: a
        // transaction-local setting ends with it and never leaks to the pooled connection's next user.
        const [, result] = await base.$transaction([
          base.$executeRaw`SELECT set_config(${setting}, ${tenant}, true)`,
          query(scopedArgs),
        ]);
        return result;
      },
    },
  }) as TransactionHost;

  return (scoped as unknown as ExtendableClient).$extends({
    name: 'tenancy-transactions',
    client: {
      async $transaction(work: unknown, transactionOptions?: object) {
        if (typeof work !== 'function') {
          throw new TypeError(
            'withTenancy: use $transaction(async (tx) => ...); an array of queries cannot carry the tenant setting',
          );
        }
        const tenant = options.tenant();
        return openTransaction.run(tenant, () =>
          scoped.$transaction(async (tx) => {
            await tx.$executeRaw`SELECT set_config(${setting}, ${tenant}, true)`;
            return (work as (tx: RawExecutor) => Promise<unknown>)(tx);
          }, transactionOptions),
        );
      },
    },
  }) as Client;
}

function scopeArgs(
  model: string,
  operation: string,
  args: Args,
  column: string,
  tenant: string,
): Args {
  const where = () => withTenantFilter(args.where as Args | undefined, column, tenant);
  const data = (rows: unknown, add: boolean) =>
    Array.isArray(rows)
      ? rows.map((row: Args) => withTenantData(row, model, column, tenant, add))
      : withTenantData(rows as Args, model, column, tenant, add);

  if (FILTERED.has(operation)) return { ...args, where: where() };
  if (UPDATING.has(operation)) return { ...args, where: where(), data: data(args.data, false) };
  if (CREATING.has(operation)) return { ...args, data: data(args.data, true) };
  if (operation === 'upsert') {
    return {
      ...args,
      where: where(),
      create: data(args.create, true),
      update: data(args.update, false),
    };
  }
  // An operation added by a later Prisma release: refuse it rather than run it unscoped.
  throw new Error(`withTenancy: ${model}.${operation} is not scoped by the tenancy guard`);
}

/**
 * `where AND tenant`. Kept at the top level beside the caller's fields (not nested under a new
 * AND), so unique lookups (`findUnique({ where: { id } })`) stay unique lookups.
 */
function withTenantFilter(where: Args | undefined, column: string, tenant: string): Args {
  const and = where?.AND;
  const conditions = and === undefined ? [] : Array.isArray(and) ? and : [and];
  return { ...where, AND: [...conditions, { [column]: tenant }] };
}

/** The row with the tenant added (`add`), after refusing a row that names another tenant. */
function withTenantData(
  row: Args,
  model: string,
  column: string,
  tenant: string,
  add: boolean,
): Args {
  const given = row[column];
  if (given !== undefined && given !== tenant) {
    throw new Error(`withTenancy: ${model}.${column} must be the current tenant's`);
  }
  return add ? { ...row, [column]: tenant } : row;
}
