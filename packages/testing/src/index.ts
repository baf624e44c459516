export { freePort } from './free-port.ts';
export { hashDirectory } from './hash-directory.ts';
export { redactUrl } from './redact-url.ts';
export {
  findRedisServer,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.ts';
export { isCi, requireServiceOrSkip, type ServiceDecision } from './require-service.ts';
export {
  type ReadyService,
  type ResolvedService,
  type ResolvedServices,
  type ResolveOptions,
  resolveService,
  resolveServices,
  type ServiceName,
  type ServiceResolution,
  type ServiceSource,
  type UnavailableService,
} from './resolve-services.ts';
export {
  ensureTemplateDatabase,
  type TemplateSpec,
  templateDatabaseName,
} from './template-database.ts';
export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  dropStaleTestDatabases,
  dropTestDatabase,
  type TestDatabase,
} from './test-database.ts';
export { createTestRedis, deleteKeysWithPrefix, type TestRedis } from './test-redis.ts';
export { TestingError, type TestingErrorCode } from './testing-error.ts';
export { type UntilOptions, until } from './until.ts';
