// `npm run jobs:dlq -- list|replay <id>|drop <id>`: the dead-letter tool of @groundwork/queue,
// pointed at the worker's Redis and queue prefix.
import { loadConfig } from '@groundwork/config';
import { createQueueConnection } from '@groundwork/queue';
import { runDlqCli } from '@groundwork/queue/dlq-cli';
import Type from 'typebox';
import { workerConfigSchema } from './config.ts';

const config = loadConfig(
  Type.Object({
    REDIS_URL: workerConfigSchema.properties.REDIS_URL,
    QUEUE_PREFIX: workerConfigSchema.properties.QUEUE_PREFIX,
  }),
);
const connection = createQueueConnection(config.REDIS_URL, { failFast: true });
// A failing command reports the outage itself; the event would only repeat it.
connection.on('error', () => {});
try {
  process.exitCode = await runDlqCli(process.argv.slice(2), {
    connection,
    prefix: config.QUEUE_PREFIX,
    stdout: process.stdout,
    stderr: process.stderr,
  });
} catch (error) {
  process.stderr.write(`jobs:dlq failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  connection.disconnect();
}
