import { mergedOpenApiDocument } from '@groundwork/gateway/openapi-document';
import { openApiDocument as identityDocument } from '@groundwork/identity/openapi-document';
import { openApiDocument as ordersDocument } from '@groundwork/orders/openapi-document';

/**
 * The merged API document as the gateway serves it, built in this process from each app's own
 * wiring (no server listens, no database is queried).
 */
export async function generateApiDocument(): ReturnType<typeof mergedOpenApiDocument> {
  const [identity, orders] = await Promise.all([identityDocument(), ordersDocument()]);
  return mergedOpenApiDocument({ identity, orders });
}
