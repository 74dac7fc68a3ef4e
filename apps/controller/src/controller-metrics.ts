import { Injectable } from '@nestjs/common';
import { type IdempotencyStats } from '@slo-engine/idempotency';
import { MetricsRegistry } from '@slo-engine/platform';
import { type Counter, type Gauge, type Histogram } from 'prom-client';

/** Latency buckets of spec 000's `controller_slo_latency_seconds`. */
export const SLO_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/**
 * The controller's metrics: spec 000's five names exactly, plus registry, routing and canary
 * gauges. Gauges that mirror state are collected at scrape time from the providers given to
 * {@link ControllerMetrics.collectFrom}, so the hot path only increments counters.
 */
@Injectable()
export class ControllerMetrics {
  readonly sloLatency: Histogram<'capability'>;
  readonly sloRequests: Counter<'capability' | 'status'>;
  readonly sloViolations: Counter<'capability' | 'metric'>;
  readonly idempotencyHits: Counter<'capability'>;
  readonly idempotencyCacheSize: Gauge;
  readonly routeDecisions: Counter<'capability' | 'outcome' | 'side'>;
  readonly shed: Counter<'capability'>;
  readonly workers: Gauge<'status'>;
  readonly capabilities: Gauge;
  readonly workersSwept: Counter;
  readonly canaryPercentage: Gauge<'capability'>;
  readonly canaryRollbacks: Counter<'capability'>;
  readonly sloFilesInvalid: Gauge;
  readonly storeErrors: Counter<'operation'>;

  private sources: ScrapeSources | undefined;

  constructor(metrics: MetricsRegistry) {
    // prom-client calls collect() with the metric as `this`; the sources are read through a getter.
    const sources = (): ScrapeSources | undefined => this.sources;
    this.sloLatency = metrics.histogram({
      name: 'controller_slo_latency_seconds',
      help: 'Request latency for SLO tracking',
      labelNames: ['capability'],
      buckets: SLO_LATENCY_BUCKETS,
    });
    this.sloRequests = metrics.counter({
      name: 'controller_slo_requests_total',
      help: 'Total requests for SLO tracking (status: success, error)',
      labelNames: ['capability', 'status'],
    });
    this.sloViolations = metrics.counter({
      name: 'controller_slo_violations_total',
      help: 'SLO violations detected by the periodic compliance check (metric: latency, availability)',
      labelNames: ['capability', 'metric'],
    });
    this.idempotencyHits = metrics.counter({
      name: 'controller_idempotency_hits_total',
      help: 'Requests served from the idempotency cache',
      labelNames: ['capability'],
    });
    this.idempotencyCacheSize = metrics.gauge({
      name: 'controller_idempotency_cache_size',
      help: 'Current idempotency cache size (records in flight and completed)',
      async collect() {
        const stats = await sources()
          ?.idempotencyStats()
          .catch(() => undefined);
        if (stats !== undefined) this.set(stats.entries);
      },
    });
    this.routeDecisions = metrics.counter({
      name: 'controller_route_decisions_total',
      help: 'Routing decisions by capability, outcome (routed, no_worker) and canary side',
      labelNames: ['capability', 'outcome', 'side'],
    });
    this.shed = metrics.counter({
      name: 'controller_slo_shed_requests_total',
      help: 'Low-priority requests refused with 503 during an enforced SLO violation',
      labelNames: ['capability'],
    });
    this.workers = metrics.gauge({
      name: 'controller_registered_workers',
      help: 'Registered workers by status (healthy, stale: not routed, awaiting the sweep; needs_verification: restored after a restart, in grace)',
      labelNames: ['status'],
      collect() {
        const counts = sources()?.workerCounts();
        if (counts === undefined) return;
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
      },
    });
    this.capabilities = metrics.gauge({
      name: 'controller_registered_capabilities',
      help: 'Distinct verb:name capabilities offered by at least one registered worker',
      collect() {
        const n = sources()?.capabilityCount();
        if (n !== undefined) this.set(n);
      },
    });
    this.workersSwept = metrics.counter({
      name: 'controller_workers_swept_total',
      help: 'Workers removed for missing heartbeats (or not re-registering after a restart)',
    });
    this.canaryPercentage = metrics.gauge({
      name: 'controller_canary_percentage',
      help: 'Share of routing keys sent to the canary version, per capability',
      labelNames: ['capability'],
    });
    this.canaryRollbacks = metrics.counter({
      name: 'controller_canary_rollbacks_total',
      help: 'Automatic canary rollbacks to 0 % after consecutive SLO violations',
      labelNames: ['capability'],
    });
    this.sloFilesInvalid = metrics.gauge({
      name: 'controller_slo_files_invalid',
      help: 'SLO files skipped at the last load because they are invalid',
    });
    this.storeErrors = metrics.counter({
      name: 'controller_registry_store_errors_total',
      help: 'Failed writes to the registry store (the in-memory registry stays authoritative)',
      labelNames: ['operation'],
    });
  }

  /** State the gauges read at scrape time (bound once the providers exist). */
  bind(sources: ScrapeSources): void {
    this.sources = sources;
  }

  /** Records one forwarded invocation (spec 000: status success or error). */
  observeInvocation(capability: string, seconds: number, ok: boolean): void {
    this.sloLatency.observe({ capability }, seconds);
    this.sloRequests.inc({ capability, status: ok ? 'success' : 'error' });
  }
}

export interface ScrapeSources {
  readonly idempotencyStats: () => Promise<IdempotencyStats>;
  readonly workerCounts: () => Readonly<Record<'healthy' | 'stale' | 'needs_verification', number>>;
  readonly capabilityCount: () => number;
}
