export {
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
  applyMigrations,
} from './migrations/apply-migrations.ts';
