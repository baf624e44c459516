/**
 * The `--import` entry that starts telemetry before the app's own modules load, so that http
 * and pg are patched when they are first required:
 *
 * ```sh
 * node --import @groundwork/telemetry/register dist/main.js
 * node --conditions=@groundwork/source --import @groundwork/telemetry/register src/main.ts
 * ```
 *
 * Configuration comes from the environment (see `telemetryConfigFromEnv`); without
 * `OTEL_EXPORTER_OTLP_ENDPOINT` it registers nothing. A malformed variable stops the process here,
 * before the app starts.
 */
import { startTelemetry } from './start-telemetry.ts';
import { telemetryConfigFromEnv } from './telemetry-config.ts';

const telemetry = await startTelemetry(telemetryConfigFromEnv());

if (telemetry.tracing) {
  // A script whose event loop runs dry would otherwise exit with its last spans unsent. Services
  // exit through process.exit after their shutdown; the service kit flushes in its onClose hook.
  process.once('beforeExit', () => {
    void telemetry.shutdown();
  });
}
