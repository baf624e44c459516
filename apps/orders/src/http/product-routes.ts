import { authorize } from '@groundwork/auth/fastify';
import { parseFilter, parseLimit, parseSort } from '@groundwork/db';
import type { Service } from '@groundwork/service-kit';
import {
  type ProductRepository,
  productFilters,
  productSort,
} from '../data/product-prisma-repository.ts';
import { createProduct } from '../use-cases/create-product.ts';
import { deleteProduct } from '../use-cases/delete-product.ts';
import { getProduct } from '../use-cases/get-product.ts';
import type { ProductCache } from '../use-cases/ports.ts';
import { updateProduct } from '../use-cases/update-product.ts';
import { etagOf, expectedVersionOf, isNotModified } from './etag.ts';
import { collectionLinks, productPath } from './links.ts';
import {
  NewProductBody,
  ProductChangesBody,
  ProductPage,
  ProductView,
  toProductView,
} from './product-views.ts';
import {
  IdParams,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  ListQuery,
  NoContent,
  NotModified,
  problems,
} from './schemas.ts';

export interface ProductRoutesOptions {
  readonly products: ProductRepository;
  readonly productCache: ProductCache;
}

const tags = ['products'];

/**
 * The catalog: viewers read it (catalog:read), admins manage it (catalog:write). Reads carry an
 * ETag and answer 304 to a current If-None-Match; writes take If-Match and answer 412 when it is
 * stale. Single products are read through the cache; every write invalidates them.
 */
export async function productRoutes(app: Service, options: ProductRoutesOptions): Promise<void> {
  const deps = { products: options.products, productCache: options.productCache };

  app.get(
    '/v1/products',
    {
      preHandler: authorize('catalog:read'),
      schema: {
        tags,
        summary: 'List products, a page at a time',
        description: `Filter with \`filter[field]\` or \`filter[field][op]\` on ${Object.keys(productFilters).join(', ')}; sort by ${productSort.allowed.join(', ')}.`,
        querystring: ListQuery,
        response: { 200: ProductPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await options.products.list({
        filter: parseFilter(query, productFilters),
        sort: parseSort(query.sort, productSort),
        limit: parseLimit(query.limit),
        cursor: query.cursor,
      });
      return {
        items: page.items.map(toProductView),
        nextCursor: page.nextCursor,
        links: collectionLinks(request, page.nextCursor),
      };
    },
  );

  app.post(
    '/v1/products',
    {
      preHandler: authorize('catalog:write'),
      schema: {
        tags,
        summary: 'Add a product to the catalog',
        body: NewProductBody,
        response: { 201: ProductView, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const product = await createProduct(deps, request.principal, {
        ...request.body,
        description: request.body.description ?? '',
      });
      return reply
        .code(201)
        .header('location', productPath(product.id))
        .header('etag', etagOf(product.version))
        .send(toProductView(product));
    },
  );

  app.get(
    '/v1/products/:id',
    {
      preHandler: authorize('catalog:read'),
      schema: {
        tags,
        summary: 'Read a product (cached; answers 304 to a current If-None-Match)',
        params: IdParams,
        headers: IfNoneMatchHeaders,
        response: { 200: ProductView, 304: NotModified, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const product = await getProduct(deps, request.params.id);
      // Clients and shared caches must revalidate: another tenant's user never gets this copy.
      reply.header('etag', etagOf(product.version)).header('cache-control', 'private, no-cache');
      if (isNotModified(request.headers['if-none-match'], product.version)) {
        return reply.code(304).send(null);
      }
      return toProductView(product);
    },
  );

  app.patch(
    '/v1/products/:id',
    {
      preHandler: authorize('catalog:write'),
      schema: {
        tags,
        summary: 'Change a product; send If-Match to refuse a change based on a stale copy',
        params: IdParams,
        headers: IfMatchHeaders,
        body: ProductChangesBody,
        response: { 200: ProductView, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const product = await updateProduct(deps, request.principal, {
        id: request.params.id,
        expectedVersion: expectedVersionOf(request.headers['if-match']),
        changes: request.body,
      });
      return reply.header('etag', etagOf(product.version)).send(toProductView(product));
    },
  );

  app.delete(
    '/v1/products/:id',
    {
      preHandler: authorize('catalog:write'),
      schema: {
        tags,
        summary: 'Remove a product that no order refers to',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      await deleteProduct(deps, request.principal, {
        id: request.params.id,
        expectedVersion: expectedVersionOf(request.headers['if-match']),
      });
      return reply.code(204).send(null);
    },
  );
}
