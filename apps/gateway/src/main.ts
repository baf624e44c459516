import { startOptionsFromEnv, startService } from '@groundwork/service-kit';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const config = loadGatewayConfig();
const app = await buildApp({ config });
await startService(app, startOptionsFromEnv(config));
