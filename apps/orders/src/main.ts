import { startOptionsFromEnv, startService } from '@groundwork/service-kit';
import { buildApp } from './app.ts';
import { loadOrdersConfig } from './config.ts';

const config = loadOrdersConfig();
const app = await buildApp({ config });
await startService(app, startOptionsFromEnv(config));
