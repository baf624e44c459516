import { defineErrors } from '@groundwork/errors';

/**
 * Every failure the gateway itself reports. An upstream's own error responses are not here: they
 * pass through unchanged, since the service that refused knows best why.
 */
export const gatewayErrors = defineErrors({
  /** Sent as 502 (see `sendBadGateway`): the upstream was unreachable or answered garbage. */
  GATEWAY_BAD_UPSTREAM: { kind: 'unavailable', title: 'The upstream service failed' },
  GATEWAY_UPSTREAM_CIRCUIT_OPEN: {
    kind: 'unavailable',
    title: 'The upstream service is failing; calls are paused',
  },
  GATEWAY_UPSTREAM_BUSY: { kind: 'unavailable', title: 'The upstream service is at capacity' },
  GATEWAY_UPSTREAM_TIMEOUT: {
    kind: 'timeout',
    title: 'The upstream service did not answer in time',
  },
  GATEWAY_RATE_LIMIT_UNAVAILABLE: {
    kind: 'unavailable',
    title: 'Rate limiting is unavailable',
  },
  GATEWAY_API_DOCS_UNAVAILABLE: {
    kind: 'unavailable',
    title: 'The API description could not be assembled',
  },
});
