/** A catalog entry of one tenant. Prices are in the currency's minor unit (see money.ts). */
export interface Product {
  readonly id: string;
  readonly orgId: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly priceMinor: number;
  readonly currency: string;
  readonly stock: number;
  /** Bumped by every write, stock reservations included: the product's ETag. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewProduct {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly priceMinor: number;
  readonly currency: string;
  readonly stock: number;
}

export type ProductChanges = Partial<NewProduct>;
