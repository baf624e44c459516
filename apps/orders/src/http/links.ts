import type { FastifyRequest } from 'fastify';
import type { Order } from '../domain/order.ts';
import { canTransition } from '../domain/order-status.ts';

export const productPath = (id: string) => `/v1/products/${id}`;
export const orderPath = (id: string) => `/v1/orders/${id}`;
export const exportPath = (id: string) => `/v1/orders/exports/${id}`;

export function productLinks(id: string) {
  return { self: productPath(id) };
}

/**
 * What a client may do next with the order, as links it follows (POST) instead of rules it
 * re-implements: `cancel` while the order is pending or confirmed, `confirm` and `ship` along
 * fulfilment. A link that is absent is an action the status machine would refuse.
 */
export function orderLinks(order: Pick<Order, 'id' | 'status'>) {
  const self = orderPath(order.id);
  return {
    self,
    ...(canTransition(order.status, 'cancelled') ? { cancel: `${self}/cancel` } : {}),
    ...(canTransition(order.status, 'confirmed') ? { confirm: `${self}/confirm` } : {}),
    ...(canTransition(order.status, 'shipped') ? { ship: `${self}/ship` } : {}),
  };
}

/** `self` as requested, and `next`: the same query with the next page's cursor. */
export function collectionLinks(request: FastifyRequest, nextCursor: string | null) {
  if (nextCursor === null) return { self: request.url };
  const next = new URL(request.url, 'http://local');
  next.searchParams.set('cursor', nextCursor);
  return { self: request.url, next: `${next.pathname}${next.search}` };
}
