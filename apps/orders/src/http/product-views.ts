import Type from 'typebox';
import type { Product } from '../domain/product.ts';
import { productLinks } from './links.ts';
import { CollectionLinks, Link, Timestamp } from './schemas.ts';

const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 2000 });
const PriceMinor = Type.Integer({
  minimum: 0,
  maximum: 2_147_483_647,
  description: "Price in the currency's minor unit (cents)",
});
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
const Stock = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });

export const NewProductBody = Type.Object(
  {
    sku: Sku,
    name: Name,
    description: Type.Optional(Description),
    priceMinor: PriceMinor,
    currency: Currency,
    stock: Stock,
  },
  { additionalProperties: false },
);

export const ProductChangesBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    priceMinor: Type.Optional(PriceMinor),
    currency: Type.Optional(Currency),
    stock: Type.Optional(Stock),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ProductView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  priceMinor: Type.Integer(),
  currency: Type.String(),
  stock: Type.Integer(),
  version: Type.Integer({ description: 'Also the ETag' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  links: Type.Object({ self: Link }),
});

export const ProductPage = Type.Object({
  items: Type.Array(ProductView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  links: CollectionLinks,
});

/** The JSON of a product: its fields (never orgId, the caller's own) and its links. */
export function toProductView(product: Product) {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceMinor: product.priceMinor,
    currency: product.currency,
    stock: product.stock,
    version: product.version,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
    links: productLinks(product.id),
  };
}
