import { fileURLToPath } from 'node:url';
import { ConfigError } from '@groundwork/config';
import { describe, expect, test } from 'vitest';
import { telemetryConfigFromEnv } from './telemetry-config.ts';

/** A script inside this package: its package.json is @groundwork/telemetry 0.1.0. */
const SCRIPT = fileURLToPath(new URL('./register.ts', import.meta.url));

describe('telemetryConfigFromEnv', () => {
  test('when nothing is set, then tracing is off and the service is named after the package of the script', () => {
    expect(telemetryConfigFromEnv({}, { mainScript: SCRIPT })).toEqual({
      serviceName: 'telemetry',
      serviceVersion: '0.1.0',
      environment: 'development',
      otlpEndpoint: undefined,
      samplingRatio: 1,
      disabled: false,
    });
  });

  test('when no script is known, then the service is unknown_service:node as the spec names it', () => {
    expect(telemetryConfigFromEnv({}, {})).toMatchObject({
      serviceName: 'unknown_service:node',
      serviceVersion: '0.0.0',
    });
  });

  test('when the variables are set, then they win over the defaults', () => {
    const config = telemetryConfigFromEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/',
        OTEL_SERVICE_NAME: 'orders',
        SERVICE_VERSION: '1.4.2',
        NODE_ENV: 'production',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_SDK_DISABLED: 'true',
      },
      { mainScript: SCRIPT },
    );
    expect(config).toEqual({
      serviceName: 'orders',
      serviceVersion: '1.4.2',
      environment: 'production',
      otlpEndpoint: 'http://otel-collector:4318',
      samplingRatio: 0.25,
      disabled: true,
    });
    expect(
      telemetryConfigFromEnv(
        { NODE_ENV: 'production', DEPLOYMENT_ENVIRONMENT: 'staging' },
        {
          mainScript: SCRIPT,
        },
      ).environment,
    ).toBe('staging');
  });

  test.each([
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_TRACES_SAMPLER_ARG', 'half'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'otel-collector:4318'],
    ['OTEL_SDK_DISABLED', 'maybe'],
  ])('when %s is %s, then start-up fails naming the variable', (variable, value) => {
    const attempt = () => telemetryConfigFromEnv({ [variable]: value }, { mainScript: SCRIPT });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(variable);
  });
});
