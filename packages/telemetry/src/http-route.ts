import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Tells the active HTTP server span which route pattern matched (`/v1/orders/:id`): the span is
 * then named `GET /v1/orders/:id` and carries `http.route`, so traces group by route instead of
 * by raw URL. The service kit calls it for every request; outside a traced request it does
 * nothing.
 *
 * @example
 * app.addHook('onRequest', (request, _reply, done) => {
 *   if (request.routeOptions.url) setHttpRoute(request.routeOptions.url);
 *   done();
 * });
 */
export function setHttpRoute(route: string): void {
  // The http instrumentation puts this object in the request's context and reads `route` back
  // when the span ends: the hand-off that framework instrumentations use.
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
