/**
 * The topology `pnpm backtest` replays: a seeded, layered fleet of `services` services (≥ 50) —
 * a few API gateways on top, three layers of backend services (frontends → domain services →
 * stores), data pipelines beside them, and 2–4 external integrations (some with a published SLA)
 * at the bottom. Hard edges mostly, some soft and degraded ones, redundancy groups (pairs of
 * stores a caller uses as replicas) and exactly one cycle (domain-01 → domain-02 → domain-03 →
 * domain-01). The same shape feeds the synthetic fleet and the core's `GraphSnapshot`.
 */
import { type SyntheticEdgeInput, type SyntheticServiceInput } from '@slo-engine/adapters';
import { type EffectiveEdge, type ServiceNode } from '@slo-engine/core';
import { seededRandom } from './harness';

export type Archetype =
  'api_gateway' | 'backend_service' | 'data_pipeline' | 'external_integration';
export type EdgeKind = 'hard' | 'soft' | 'degraded';

export interface BacktestService {
  readonly serviceId: string;
  readonly archetype: Archetype;
  readonly layer: 'gateway' | 'frontend' | 'domain' | 'store' | 'pipeline' | 'external';
  /** External integrations only: the vendor's SLA as a ratio, if it publishes one. */
  readonly publishedSla?: number;
}

export interface BacktestEdge {
  readonly source: string;
  readonly target: string;
  readonly criticality: EdgeKind;
  readonly redundancyGroup: string | null;
}

export interface BacktestTopology {
  readonly services: readonly BacktestService[];
  readonly edges: readonly BacktestEdge[];
  /** The one cycle, in call order. */
  readonly cycle: readonly string[];
  /** Callers with a redundancy group: caller → its members. */
  readonly redundancyGroups: ReadonlyArray<{ caller: string; members: readonly string[] }>;
}

const EXTERNALS: readonly BacktestService[] = [
  {
    serviceId: 'payments-provider',
    archetype: 'external_integration',
    layer: 'external',
    publishedSla: 0.9995,
  },
  {
    serviceId: 'sms-provider',
    archetype: 'external_integration',
    layer: 'external',
    publishedSla: 0.999,
  },
  { serviceId: 'geo-api', archetype: 'external_integration', layer: 'external' },
  {
    serviceId: 'tax-api',
    archetype: 'external_integration',
    layer: 'external',
    publishedSla: 0.9999,
  },
];
const GATEWAYS = ['web-gateway', 'mobile-gateway', 'partner-gateway', 'admin-gateway'];

const pad = (n: number): string => String(n).padStart(2, '0');

export function backtestTopology(size: number, seed: number): BacktestTopology {
  if (!Number.isInteger(size) || size < 20) {
    throw new RangeError(`backtest: --services must be an integer ≥ 20, got ${size}`);
  }
  const random = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  const gatewayCount = Math.min(GATEWAYS.length, Math.max(2, Math.round(size / 20)));
  const externalCount = Math.min(4, Math.max(2, Math.round(size / 20)));
  const pipelineCount = Math.max(2, Math.round(size / 12));
  const backends = size - gatewayCount - externalCount - pipelineCount;
  const frontendCount = Math.round(backends * 0.3);
  const domainCount = Math.round(backends * 0.4);
  const storeCount = backends - frontendCount - domainCount;

  const gateways = GATEWAYS.slice(0, gatewayCount);
  const frontends = Array.from({ length: frontendCount }, (_, i) => `frontend-${pad(i + 1)}`);
  const domains = Array.from({ length: domainCount }, (_, i) => `domain-${pad(i + 1)}`);
  const stores = Array.from({ length: storeCount }, (_, i) => `store-${pad(i + 1)}`);
  const pipelines = Array.from({ length: pipelineCount }, (_, i) => `pipeline-${pad(i + 1)}`);
  const externals = EXTERNALS.slice(0, externalCount);
  const services: BacktestService[] = [
    ...gateways.map((serviceId) => ({
      serviceId,
      archetype: 'api_gateway' as const,
      layer: 'gateway' as const,
    })),
    ...frontends.map((serviceId) => ({
      serviceId,
      archetype: 'backend_service' as const,
      layer: 'frontend' as const,
    })),
    ...domains.map((serviceId) => ({
      serviceId,
      archetype: 'backend_service' as const,
      layer: 'domain' as const,
    })),
    ...stores.map((serviceId) => ({
      serviceId,
      archetype: 'backend_service' as const,
      layer: 'store' as const,
    })),
    ...pipelines.map((serviceId) => ({
      serviceId,
      archetype: 'data_pipeline' as const,
      layer: 'pipeline' as const,
    })),
    ...externals,
  ];

  const edges = new Map<string, BacktestEdge>();
  const add = (
    source: string,
    target: string,
    criticality: EdgeKind,
    redundancyGroup: string | null = null,
  ): void => {
    const key = `${source}→${target}`;
    if (source === target || edges.has(key)) return;
    edges.set(key, { source, target, criticality, redundancyGroup });
  };
  const kind = (softShare: number, degradedShare = 0): EdgeKind => {
    const r = random();
    return r < softShare ? 'soft' : r < softShare + degradedShare ? 'degraded' : 'hard';
  };
  const called = new Set<string>();
  const connect = (source: string, target: string, criticality: EdgeKind): void => {
    add(source, target, criticality);
    called.add(target);
  };
  const ensureCalled = (targets: readonly string[], callers: readonly string[]): void => {
    for (const target of targets) if (!called.has(target)) connect(pick(callers), target, 'hard');
  };

  // Gateways → 4–7 frontends (hard), plus one soft call (e.g. recommendations, personalisation).
  for (const gateway of gateways) {
    for (let n = int(4, 7), i = 0; i < n; i++) connect(gateway, pick(frontends), 'hard');
    connect(gateway, pick(frontends), 'soft');
  }
  ensureCalled(frontends, gateways);
  // Frontends → 1–3 domain services (15% soft, 5% degraded).
  for (const frontend of frontends) {
    for (let n = int(1, 3), i = 0; i < n; i++) connect(frontend, pick(domains), kind(0.15, 0.05));
  }
  ensureCalled(domains, frontends);
  // Domain services → 1–2 stores (10% soft); about a third call an external integration.
  const groupCallers = new Set(domains.slice(-3));
  const redundancyGroups: { caller: string; members: string[] }[] = [];
  for (const domain of domains) {
    if (groupCallers.has(domain)) {
      // Two stores used as replicas: the call fails only when both do.
      const first = pick(stores);
      let second = pick(stores);
      while (second === first) second = pick(stores);
      add(domain, first, 'hard', 'replicas');
      add(domain, second, 'hard', 'replicas');
      called.add(first).add(second);
      redundancyGroups.push({ caller: domain, members: [first, second] });
      continue;
    }
    for (let n = int(1, 2), i = 0; i < n; i++) connect(domain, pick(stores), kind(0.1));
    if (random() < 0.35) connect(domain, pick(externals).serviceId, 'hard');
  }
  ensureCalled(stores, domains);
  ensureCalled(
    externals.map((external) => external.serviceId),
    domains.filter((domain) => !groupCallers.has(domain)),
  );
  // The one cycle among domain services.
  const cycle = domains.slice(0, 3);
  for (let i = 0; i < cycle.length; i++) add(cycle[i], cycle[(i + 1) % cycle.length], 'hard');
  // Pipelines read 1–2 stores (hard) and notify a domain service (soft); one calls geo-api.
  pipelines.forEach((pipeline, i) => {
    for (let n = int(1, 2), j = 0; j < n; j++) add(pipeline, pick(stores), 'hard');
    add(pipeline, pick(domains), 'soft');
    if (i === 0) add(pipeline, 'geo-api', 'hard');
  });

  return { services, edges: [...edges.values()], cycle, redundancyGroups };
}

/** The services as the synthetic fleet takes them (archetype pinned, external marked). */
export function syntheticServices(topology: BacktestTopology): SyntheticServiceInput[] {
  return topology.services.map((service) => ({
    serviceId: service.serviceId,
    metadata: metadataOf(service),
  }));
}

export function syntheticEdges(topology: BacktestTopology): SyntheticEdgeInput[] {
  return topology.edges.map((edge) => ({
    source: edge.source,
    target: edge.target,
    criticality: edge.criticality,
    redundancyGroup: edge.redundancyGroup,
  }));
}

/** The same topology as the active graph of the core (one version, every edge declared). */
export function activeGraph(
  topology: BacktestTopology,
  at: Date,
): { version: number; services: ServiceNode[]; edges: EffectiveEdge[] } {
  return {
    version: 1,
    services: topology.services.map((service) => ({
      serviceId: service.serviceId,
      metadata: metadataOf(service),
      team: null,
      criticality: service.layer === 'gateway' ? 'critical' : 'medium',
      serviceType: service.layer === 'external' ? 'external' : 'internal',
      discovered: false,
      createdAt: at,
      updatedAt: at,
    })),
    edges: topology.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      communicationMode: 'sync',
      criticality: edge.criticality,
      protocol: 'http',
      timeoutMs: null,
      retryConfig: null,
      redundancyGroup: edge.redundancyGroup,
      discoverySources: ['manual'],
      confidenceScore: 1,
      lastObservedAt: at,
    })),
  };
}

function metadataOf(service: BacktestService): Record<string, unknown> {
  return {
    archetype: service.archetype,
    ...(service.layer === 'external' ? { serviceType: 'external' } : {}),
    ...(service.publishedSla !== undefined ? { publishedSla: service.publishedSla } : {}),
  };
}
