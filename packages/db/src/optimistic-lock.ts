import { dbErrors } from './db-errors.ts';

/**
 * The two methods of a generated Prisma model delegate (`prisma.product`) that versioned updates
 * use. Parameters are `never` so that every model's generic signatures fit.
 */
export interface VersionedDelegate {
  findFirst(args: never): PromiseLike<{ version: number } | null>;
  updateManyAndReturn(args: never): PromiseLike<{ version: number }[]>;
}

type ArgsOf<F> = F extends (args: infer A) => unknown ? NonNullable<A> : never;
/** The model's `WhereInput`. */
export type WhereOf<D extends VersionedDelegate> = NonNullable<
  ArgsOf<D['findFirst']> extends { where?: infer W } ? W : never
>;
/** The model's `UpdateManyInput`. */
export type DataOf<D extends VersionedDelegate> =
  ArgsOf<D['updateManyAndReturn']> extends {
    data: infer X;
  }
    ? X
    : never;
/** The model's row type. */
export type RowOf<D extends VersionedDelegate> = Awaited<
  ReturnType<D['updateManyAndReturn']>
>[number];

export interface UpdateVersionedOptions<D extends VersionedDelegate> {
  /** Selects one row; include the tenant id, so another tenant's row reads as not found. */
  readonly where: WhereOf<D>;
  /**
   * The version the client based its change on (from `If-Match` or the body). When the row has
   * moved on, the update fails with DB_VERSION_MISMATCH (412) instead of overwriting.
   */
  readonly expectedVersion?: number;
  /**
   * Decides the change from the row as it is now. It may run more than once (see `retries`), so
   * keep it free of side effects; throw a domain error to refuse the change.
   */
  change(current: RowOf<D>): DataOf<D> | Promise<DataOf<D>>;
  /**
   * Without `expectedVersion`: how many times to re-read and re-apply `change` when another
   * writer got in between, before failing with DB_VERSION_CONFLICT (409). Default 3.
   */
  readonly retries?: number;
  /** Names the model in error details, e.g. `Product`. */
  readonly entity?: string;
}

const DEFAULT_RETRIES = 3;

/**
 * Optimistic locking on a `version Int` column: reads the row, lets `change` decide, and writes
 * only if nobody changed the row meanwhile (`WHERE version = <read version>`), incrementing the
 * version. No lock is held while `change` runs.
 *
 * @example
 * const product = await updateVersioned(prisma.product, {
 *   where: { id, tenantId },
 *   expectedVersion: ifMatchVersion,
 *   change: (current) => ({ priceCents: reprice(current, percent) }),
 *   entity: 'Product',
 * });
 */
export async function updateVersioned<D extends VersionedDelegate>(
  delegate: D,
  options: UpdateVersionedOptions<D>,
): Promise<RowOf<D>> {
  const { where, expectedVersion, change, retries = DEFAULT_RETRIES, entity = 'record' } = options;
  const mismatch = () =>
    dbErrors.DB_VERSION_MISMATCH.create(
      `The ${entity} is no longer at version ${expectedVersion}; read it again.`,
    );
  for (let attempt = 0; ; attempt++) {
    const current = await delegate.findFirst({ where } as never);
    if (current === null) throw dbErrors.DB_NOT_FOUND.create(`No such ${entity}.`);
    const { version } = current;
    if (expectedVersion !== undefined && version !== expectedVersion) throw mismatch();

    const data = (await change(current as RowOf<D>)) as object;
    const [updated] = await delegate.updateManyAndReturn({
      where: { AND: [where, { version }] },
      data: { ...data, version: version + 1 },
    } as never);
    if (updated !== undefined) return updated as RowOf<D>;

    // Another writer committed between our read and our write.
    if (expectedVersion !== undefined) throw mismatch();
    if (attempt >= retries) {
      throw dbErrors.DB_VERSION_CONFLICT.create(
        `The ${entity} kept changing while this update ran; try again.`,
      );
    }
  }
}
