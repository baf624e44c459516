import { createService, type Service } from '../src/create-service.ts';
import type { ServiceOptions } from '../src/options.ts';

/**
 * A service built from `options` with the routes `register` adds, ready; closed again when it
 * refuses to start, so a test that expects the refusal leaves nothing open.
 */
export async function readyService(
  options: ServiceOptions,
  register: (app: Service) => void,
): Promise<Service> {
  const app = await createService(options);
  register(app);
  try {
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
