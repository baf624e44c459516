import Type from 'typebox';
import type { Order, OrderSummary } from '../domain/order.ts';
import { orderLinks } from './links.ts';
import { CollectionLinks, Link, Timestamp } from './schemas.ts';

export const NewOrderBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        {
          productId: Type.String({ format: 'uuid' }),
          quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

const OrderLinks = Type.Object({
  self: Link,
  cancel: Type.Optional(Type.String({ description: 'POST: cancel the order' })),
  confirm: Type.Optional(Type.String({ description: 'POST: confirm the order' })),
  ship: Type.Optional(Type.String({ description: 'POST: mark the order shipped' })),
});

const OrderFields = {
  id: Type.String({ format: 'uuid' }),
  customerId: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('confirmed'),
    Type.Literal('shipped'),
    Type.Literal('cancelled'),
  ]),
  totalMinor: Type.Integer({ description: "In the currency's minor unit (cents)" }),
  currency: Type.String(),
  version: Type.Integer({ description: 'Also the ETag' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  links: OrderLinks,
};

export const OrderSummaryView = Type.Object(OrderFields);

export const OrderView = Type.Object({
  ...OrderFields,
  lines: Type.Array(
    Type.Object({
      productId: Type.String({ format: 'uuid' }),
      sku: Type.String(),
      name: Type.String(),
      unitPriceMinor: Type.Integer(),
      quantity: Type.Integer(),
    }),
  ),
});

export const OrderPage = Type.Object({
  items: Type.Array(OrderSummaryView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  links: CollectionLinks,
});

export function toOrderSummaryView(order: OrderSummary) {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    totalMinor: order.totalMinor,
    currency: order.currency,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    links: orderLinks(order),
  };
}

export function toOrderView(order: Order) {
  return {
    ...toOrderSummaryView(order),
    lines: order.lines.map(({ productId, sku, name, unitPriceMinor, quantity }) => ({
      productId,
      sku,
      name,
      unitPriceMinor,
      quantity,
    })),
  };
}
