// `npm run jobs:dlq -- list|replay <id>|drop <id>`: the dead-letter tool of @groundwork/queue,
// pointed at the worker's Redis and queue prefix.
import { loadConfig } from '@groundwork/config';
import { runDlqCommand } from '@groundwork/queue/dlq-cli';
import Type from 'typebox';
import { workerConfigSchema } from './config.ts';

const config = loadConfig(
  Type.Object({
    REDIS_URL: workerConfigSchema.properties.REDIS_URL,
    QUEUE_PREFIX: workerConfigSchema.properties.QUEUE_PREFIX,
  }),
);
process.exitCode = await runDlqCommand(process.argv.slice(2), {
  redisUrl: config.REDIS_URL,
  prefix: config.QUEUE_PREFIX,
});
