import type { ServiceResolution } from './resolve-services.ts';

/** The services the global setup resolved once for the whole run. */
export interface ProvidedServices {
  readonly postgres: ServiceResolution;
  readonly redis: ServiceResolution;
}

/** The vitest `provide`/`inject` key between the global setup and the test workers. */
export const PROVIDED_SERVICES_KEY = 'groundworkTestServices';

declare module 'vitest' {
  export interface ProvidedContext {
    groundworkTestServices: ProvidedServices;
  }
}
