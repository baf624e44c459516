export {
  createDatabaseClient,
  type DatabaseClient,
  type DatabaseClientOptions,
  type PrismaClientClass,
} from './create-database-client.ts';
export { dbErrors } from './db-errors.ts';
export {
  type FilterField,
  type FilterOperator,
  type FilterType,
  type FilterWhere,
  type ListQuery,
  type PageRequest,
  type ParseSortOptions,
  parseFilter,
  parseSort,
  type SortDirection,
  type SortField,
} from './list-query.ts';
export {
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
  applyMigrations,
} from './migrations/apply-migrations.ts';
export {
  type CatalogReader,
  type CheckForeignKeyIndexesOptions,
  checkForeignKeyIndexes,
  findUnindexedForeignKeys,
  type UnindexedForeignKey,
} from './migrations/check-foreign-key-indexes.ts';
export {
  type CheckReversibleOptions,
  checkMigrationsReversible,
} from './migrations/check-reversible.ts';
export {
  formatLintFindings,
  type LintFinding,
  type LintRule,
  lintMigrationSql,
  lintMigrations,
} from './migrations/lint-migrations.ts';
export {
  type DataOf,
  type RowOf,
  type UpdateVersionedOptions,
  updateVersioned,
  type VersionedDelegate,
  type WhereOf,
} from './optimistic-lock.ts';
export { type OutboxEvent, type TransactionClient, writeOutboxEvent } from './outbox.ts';
export {
  type FindPageOptions,
  findPage,
  type LimitOptions,
  type Page,
  type PageableDelegate,
  parseLimit,
} from './pagination.ts';
export { type NamedPool, observePoolUsage } from './pool-metrics.ts';
export { toDomainError } from './prisma-errors.ts';
export {
  checkRowLevelSecurity,
  type Queryable,
  withSessionRole,
} from './row-level-security.ts';
export {
  type SlowQueryLogger,
  type SlowQueryLogOptions,
  slowQueryLoggingClient,
} from './slow-query-log.ts';
export { type TenancyOptions, withTenancy } from './tenancy.ts';
