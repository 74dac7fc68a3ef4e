/**
 * A seeded, plausible microservice fleet: gateways call backends, backends call each other, data
 * stores and external APIs; a few calls are soft (degraded mode only), some stores are replicated
 * across regions (redundancy groups), and a few backend teams have built call cycles.
 * Each service has 30 days of hourly request counts with incidents, and latency samples.
 */
import { normalRandom, seededRandom } from '@slo-engine/drift';

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

const gaussian = (random: () => number): number => normalRandom(random);

export type ServiceKind = 'gateway' | 'backend' | 'datastore' | 'external';

export interface FleetService {
  readonly id: string;
  readonly kind: ServiceKind;
  readonly team: string;
  /** External APIs publish an SLA; some are also monitored (then history is used instead). */
  readonly publishedSla?: number;
  readonly monitored: boolean;
  /** Hourly [good, total] request counts, oldest first. */
  readonly hourly: ReadonlyArray<readonly [good: number, total: number]>;
  /** Hourly latency percentiles in ms, oldest first. */
  readonly hourlyLatencyMs: ReadonlyArray<{
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
  }>;
}

export interface FleetEdge {
  readonly source: string;
  readonly target: string;
  readonly kind: 'hard' | 'soft';
  /** Edges from one source with the same group are redundant replicas (one parallel factor). */
  readonly redundancyGroup?: string;
}

export interface Fleet {
  readonly services: readonly FleetService[];
  readonly edges: readonly FleetEdge[];
  readonly hours: number;
}

const TEAMS = [
  'checkout',
  'payments',
  'search',
  'identity',
  'catalog',
  'fulfilment',
  'growth',
  'platform',
];
const EXTERNALS: ReadonlyArray<readonly [string, number]> = [
  ['stripe-api', 0.9999],
  ['sendgrid-api', 0.999],
  ['twilio-api', 0.9995],
  ['maps-api', 0.9995],
  ['fraud-score-api', 0.999],
  ['tax-rates-api', 0.995],
];

export function generateFleet(options: { services: number; seed: number; days?: number }): Fleet {
  const random = seededRandom(options.seed);
  const hours = (options.days ?? 30) * 24;
  const total = Math.max(20, options.services);
  const externals = EXTERNALS.slice(
    0,
    Math.min(EXTERNALS.length, Math.max(2, Math.round(total * 0.02))),
  );
  const gateways = Math.max(2, Math.round(total * 0.04));
  const datastores = Math.max(4, Math.round(total * 0.2));
  const backends = total - gateways - datastores - externals.length;

  const specs: Array<{ id: string; kind: ServiceKind; sla?: number }> = [];
  for (let i = 0; i < gateways; i++)
    specs.push({
      id: `${pick(random, ['web', 'mobile', 'partner', 'admin'])}-gateway-${i}`,
      kind: 'gateway',
    });
  const domains = [
    'checkout',
    'cart',
    'payment',
    'search',
    'auth',
    'profile',
    'catalog',
    'pricing',
    'inventory',
    'shipping',
    'orders',
    'reviews',
    'recommendation',
    'notification',
  ];
  for (let i = 0; i < backends; i++)
    specs.push({
      id: `${domains[i % domains.length]}-service-${Math.floor(i / domains.length)}`,
      kind: 'backend',
    });
  for (let i = 0; i < datastores; i++)
    specs.push({
      id: `${pick(random, ['postgres', 'redis', 'kafka', 'elastic'])}-${i}`,
      kind: 'datastore',
    });
  for (const [id, sla] of externals) specs.push({ id, kind: 'external', sla });

  const byKind = (kind: ServiceKind) => specs.filter((s) => s.kind === kind).map((s) => s.id);
  const gatewayIds = byKind('gateway');
  const backendIds = byKind('backend');
  const storeIds = byKind('datastore');
  const externalIds = byKind('external');

  const edges: FleetEdge[] = [];
  const seen = new Set<string>();
  const add = (
    source: string,
    target: string,
    kind: 'hard' | 'soft' = 'hard',
    redundancyGroup?: string,
  ): void => {
    const key = `${source}->${target}`;
    if (source === target || seen.has(key)) return;
    seen.add(key);
    edges.push(
      redundancyGroup ? { source, target, kind, redundancyGroup } : { source, target, kind },
    );
  };
  // Backends come in three layers: edge services (called by gateways) call core services, which
  // call leaf services; leaves call data stores. Real fleets are shallow and wide like this.
  const layer1 = backendIds.slice(0, Math.floor(backendIds.length * 0.3));
  const layer2 = backendIds.slice(
    layer1.length,
    layer1.length + Math.floor(backendIds.length * 0.4),
  );
  const layer3 = backendIds.slice(layer1.length + layer2.length);
  for (const g of gatewayIds)
    for (let k = 0; k < 4 + Math.floor(random() * 3); k++) add(g, pick(random, layer1));
  const callStores = (b: string): void => {
    if (random() < 0.3) {
      // A primary and a replica in another region: one redundancy group.
      const group = `${b}:store`;
      add(b, pick(random, storeIds), 'hard', group);
      add(b, pick(random, storeIds), 'hard', group);
    } else {
      add(b, pick(random, storeIds));
    }
  };
  for (const b of layer1) {
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++)
      add(b, pick(random, layer2), random() < 0.2 ? 'soft' : 'hard');
    if (random() < 0.3) callStores(b);
  }
  for (const b of layer2) {
    for (let k = 0; k < 1 + Math.floor(random() * 2); k++)
      add(b, pick(random, layer3), random() < 0.15 ? 'soft' : 'hard');
    callStores(b);
  }
  for (const b of layer3) callStores(b);
  for (const b of [...layer2, ...layer3]) {
    if (random() < 0.05) add(b, pick(random, externalIds), random() < 0.4 ? 'soft' : 'hard');
  }
  // A few teams built call cycles (A → B → C → A) inside one layer, which the engine must treat
  // as supernodes.
  for (let c = 0; c < Math.max(1, Math.round(total / 250)); c++) {
    const start = Math.floor(random() * Math.max(1, layer2.length - 3));
    const [a, b, d] = [layer2[start], layer2[start + 1], layer2[start + 2]];
    add(a, b);
    add(b, d);
    add(d, a);
  }
  // The first payment service always depends on stripe-api, so the demo has a clear bottleneck.
  const payment = backendIds.find((b) => b.startsWith('payment-'));
  if (payment && externalIds.includes('stripe-api')) add(payment, 'stripe-api');

  const services = specs.map((spec): FleetService => {
    const baseline =
      spec.kind === 'external'
        ? (spec.sla ?? 0.999)
        : spec.kind === 'datastore'
          ? 0.99998
          : 1 - 10 ** -(3.6 + random() * 1.2);
    const traffic = 2000 + random() * 40000;
    const hourly: Array<readonly [number, number]> = [];
    const latency: Array<{ p50: number; p95: number; p99: number }> = [];
    const baseLatency =
      spec.kind === 'datastore'
        ? 5 + random() * 20
        : spec.kind === 'external'
          ? 150 + random() * 300
          : 40 + random() * 300;
    let incident = 0;
    for (let h = 0; h < hours; h++) {
      const diurnal = 0.6 + 0.4 * Math.sin((2 * Math.PI * (h % 24)) / 24);
      const requests = Math.max(1, Math.round(traffic * diurnal * (1 + 0.1 * gaussian(random))));
      if (incident === 0 && random() < 0.0006) incident = 1 + Math.floor(random() * 2);
      const errorRate =
        incident > 0
          ? 0.005 + random() * 0.05
          : Math.max(0, (1 - baseline) * (1 + 0.5 * gaussian(random)));
      if (incident > 0) incident--;
      const bad = Math.min(requests, Math.round(requests * errorRate));
      hourly.push([requests - bad, requests]);
      const p99 = Math.max(
        1,
        baseLatency * (1 + 0.15 * Math.abs(gaussian(random))) * (errorRate > 0.01 ? 2.5 : 1),
      );
      latency.push({ p50: p99 * 0.35, p95: p99 * 0.7, p99 });
    }
    return {
      id: spec.id,
      kind: spec.kind,
      team: pick(random, TEAMS),
      ...(spec.sla !== undefined ? { publishedSla: spec.sla } : {}),
      monitored: spec.kind !== 'external' || random() < 0.5,
      hourly,
      hourlyLatencyMs: latency,
    };
  });
  return { services, edges, hours };
}
