import { createLogger } from '@groundwork/logger';
import { startOptionsFromEnv, startService } from '@groundwork/service-kit';
import { buildApp } from './app.ts';
import { loadWorkerConfig } from './config.ts';

const config = loadWorkerConfig();
const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL });
try {
  const app = await buildApp({ config, logger });
  await startService(app, startOptionsFromEnv(config));
} catch (error) {
  // A refusal to start (an evicting Redis, an unreachable database) names its cause here.
  logger.fatal({ err: error }, 'worker refused to start');
  process.exitCode = 1;
}
