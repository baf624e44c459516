export { createService, type Service } from './create-service.ts';
// Also brings the route config type (`deprecation`) to apps built against dist.
export { deprecationHeaders, type RouteDeprecation } from './deprecation.ts';
export {
  type ServiceEnv,
  serviceEnv,
  serviceOptionsFromEnv,
  startOptionsFromEnv,
} from './env.ts';
export { type CheckResult, type CheckStatus, type ReadinessCheck, runCheck } from './health.ts';
export { type LoadSheddingOptions, letThrough } from './load-shedding.ts';
export type { ServiceOptions } from './options.ts';
export { REQUEST_ID_HEADER } from './request-id.ts';
// Also brings the route config types (`bodyless`, `conventions`) to apps built against dist.
export { conventionViolations } from './route-conventions.ts';
export {
  type ShutdownOptions,
  type ShutdownResult,
  type StartOptions,
  shutdownService,
  startService,
} from './shutdown.ts';
