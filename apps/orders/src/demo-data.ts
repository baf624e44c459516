import { randomUUID } from 'node:crypto';
import { type Principal, runWithTenant } from '@groundwork/auth';
import { ordersErrors } from './domain/orders-errors.ts';
import type { NewProduct, Product } from './domain/product.ts';

export interface DemoOrganization {
  /** Identity's demo organization id (apps/identity/src/demo-data.ts): its tokens name it. */
  readonly id: string;
  readonly name: string;
  readonly products: readonly NewProduct[];
}

export interface DemoCatalog {
  readonly organizations: readonly DemoOrganization[];
}

/**
 * What `npm run db:seed` puts in a development database: a catalog for each of identity's demo
 * organizations, so that its seeded users have something to list and order. Prices are in the
 * currency's minor unit (cents). Both catalogs hold an `STP-NEMA17`, at different prices: a SKU
 * is unique per tenant, not across tenants. apps/orders/README.md ("Demo data") describes them.
 */
export const DEMO_CATALOG: DemoCatalog = {
  organizations: [
    {
      id: '11111111-1111-4111-8111-111111111111',
      name: 'Acme Robotics',
      products: [
        {
          sku: 'ARM-6AX-900',
          name: 'Six-axis robot arm, 900 mm reach',
          description: 'Collaborative arm with a 6 kg payload and ±0.03 mm repeatability.',
          priceMinor: 1_249_000,
          currency: 'EUR',
          stock: 4,
        },
        {
          sku: 'AGV-BASE-300',
          name: 'Mobile robot base, 300 kg payload',
          description: 'Differential-drive platform with safety scanners and 10 h runtime.',
          priceMinor: 689_000,
          currency: 'EUR',
          stock: 6,
        },
        {
          sku: 'SNS-FT-6AX',
          name: 'Six-axis force/torque sensor',
          description: 'Wrist-mounted sensor for assembly and polishing tasks.',
          priceMinor: 189_000,
          currency: 'EUR',
          stock: 9,
        },
        {
          sku: 'GRP-2F-085',
          name: 'Two-finger adaptive gripper, 85 mm',
          description: 'Electric parallel gripper with force control.',
          priceMinor: 89_900,
          currency: 'EUR',
          stock: 25,
        },
        {
          sku: 'BAT-LFP-24V20',
          name: 'LiFePO4 battery pack, 24 V 20 Ah',
          description: 'Swappable pack with a battery management system.',
          priceMinor: 42_000,
          currency: 'EUR',
          stock: 30,
        },
        {
          sku: 'GRP-VAC-40',
          name: 'Vacuum gripper, 40 mm cups',
          description: 'Four-cup suction gripper with an integrated ejector.',
          priceMinor: 34_500,
          currency: 'EUR',
          stock: 40,
        },
        {
          sku: 'LDR-2D-360',
          name: '2D lidar scanner, 360°',
          description: '25 m range at 15 Hz, for navigation and obstacle detection.',
          priceMinor: 32_900,
          currency: 'EUR',
          stock: 18,
        },
        {
          sku: 'CAM-STEREO-D',
          name: 'Stereo depth camera',
          description: 'Global-shutter stereo pair with an IMU, USB-C.',
          priceMinor: 27_900,
          currency: 'EUR',
          stock: 22,
        },
        {
          sku: 'CTL-MOTION-V3',
          name: 'Motion controller board v3',
          description: 'Eight-axis controller with EtherCAT and CAN.',
          priceMinor: 15_900,
          currency: 'EUR',
          stock: 60,
        },
        {
          sku: 'KIT-EDU-01',
          name: 'Educational robot kit',
          description: 'Wheeled robot with sensors and lessons, for schools and workshops.',
          priceMinor: 14_900,
          currency: 'EUR',
          stock: 120,
        },
        {
          sku: 'SRV-HT-20',
          name: 'High-torque servo, 20 kg·cm',
          description: 'Metal-gear digital servo, 6–7.4 V.',
          priceMinor: 2_490,
          currency: 'EUR',
          stock: 300,
        },
        {
          sku: 'STP-NEMA17',
          name: 'NEMA 17 stepper motor',
          description: '1.8° step angle, 0.45 N·m holding torque.',
          priceMinor: 1_890,
          currency: 'EUR',
          stock: 250,
        },
      ],
    },
    {
      id: '22222222-2222-4222-8222-222222222222',
      name: 'Globex',
      products: [
        {
          sku: 'GX-PSU-500',
          name: 'Industrial power supply, 500 W',
          description: 'DIN-rail mounted, 24 V output.',
          priceMinor: 12_900,
          currency: 'USD',
          stock: 80,
        },
        {
          sku: 'GX-ENC-ABS12',
          name: 'Absolute rotary encoder, 12 bit',
          description: 'Hollow-shaft encoder with an SSI interface.',
          priceMinor: 8_900,
          currency: 'USD',
          stock: 150,
        },
        {
          sku: 'STP-NEMA17',
          name: 'NEMA 17 stepper motor',
          description: 'Globex house brand.',
          priceMinor: 2_100,
          currency: 'USD',
          stock: 400,
        },
        {
          sku: 'GX-CBL-5M',
          name: 'Shielded sensor cable, 5 m',
          description: 'M12 connectors, 8 pins.',
          priceMinor: 1_450,
          currency: 'USD',
          stock: 500,
        },
      ],
    },
  ],
};

/** How many products a run created: zero when the catalog was there already. */
export interface SeedReport {
  products: number;
}

/** The repository methods the seed writes through (`createProductRepository`'s). */
export interface CatalogStore {
  findBySku(sku: string): Promise<Product | undefined>;
  create(product: NewProduct): Promise<Product>;
}

export interface SeedDependencies {
  /** On the service's tenant-guarded client: the seed writes as the service does, under RLS. */
  readonly products: CatalogStore;
}

/**
 * Creates whatever product of `data` is missing, keyed by (organization, SKU): what exists is left
 * as it is (a stock that orders have lowered included), so a second run changes nothing. Each
 * organization's products are written in its own tenant context, like a request's, so the
 * tenancy guard and row-level security place every row in its tenant. No outbox events: nobody
 * did anything, and no consumer should react to demo rows as to a catalog change.
 */
export async function seedDemoCatalog(
  deps: SeedDependencies,
  data: DemoCatalog = DEMO_CATALOG,
): Promise<SeedReport> {
  const report: SeedReport = { products: 0 };
  for (const organization of data.organizations) {
    await runWithTenant(seedPrincipal(organization.id), async () => {
      for (const product of organization.products) {
        if (await createIfMissing(deps.products, product)) report.products += 1;
      }
    });
  }
  return report;
}

async function createIfMissing(store: CatalogStore, product: NewProduct): Promise<boolean> {
  if (await store.findBySku(product.sku)) return false;
  try {
    await store.create(product);
    return true;
  } catch (error) {
    // Another seed run created it between the two statements: it exists, as wanted.
    if (ordersErrors.ORDERS_SKU_TAKEN.is(error)) return false;
    throw error;
  }
}

/**
 * The tenant context the seed acts in. The repositories read only its organization; no use case
 * runs, so no role is needed.
 */
function seedPrincipal(org: string): Principal {
  return {
    sub: 'orders-seed',
    org,
    roles: [],
    scope: [],
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 3_600,
  };
}
