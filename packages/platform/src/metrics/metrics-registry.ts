import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

/** Buckets (seconds) of the request-duration histogram; 0.5 s is spec 004's p95 alert line. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Label of requests that matched no route (404s), so scanners cannot explode label cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface MetricsRegistryOptions {
  /** When false nothing is collected or served, but apps may still register (and update) metrics. */
  readonly enabled: boolean;
  /** Node process metrics (CPU, memory, event-loop lag, GC); on by default. */
  readonly defaultMetrics?: boolean;
}

/**
 * The app's prom-client registry (never the global one, so two apps in one test process do not
 * collide), the HTTP metrics of spec 004 §11.2, and helpers for apps to add their own:
 *
 * ```ts
 * constructor(metrics: MetricsRegistry) {
 *   this.nodes = metrics.gauge({ name: 'slo_engine_dependency_graph_nodes', help: 'Services in the graph' });
 * }
 * ```
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly enabled: boolean;
  readonly httpRequestsTotal: Counter<'method' | 'route' | 'status'>;
  readonly httpRequestDuration: Histogram<'method' | 'route'>;

  constructor(options: MetricsRegistryOptions) {
    this.enabled = options.enabled;
    if (options.enabled && options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
    }
    this.httpRequestsTotal = this.counter({
      name: 'slo_engine_http_requests_total',
      help: 'HTTP requests served, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
    });
    this.httpRequestDuration = this.histogram({
      name: 'slo_engine_http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: HTTP_DURATION_BUCKETS,
    });
  }

  /** Records one served request; `route` must be the route template, never the raw URL. */
  observeHttpRequest(
    method: string,
    route: string | undefined,
    status: number,
    seconds: number,
  ): void {
    if (!this.enabled) return;
    const routeLabel = route ?? UNMATCHED_ROUTE;
    this.httpRequestsTotal.inc({ method, route: routeLabel, status: String(status) });
    this.httpRequestDuration.observe({ method, route: routeLabel }, seconds);
  }

  /** A counter on this registry; asking twice for one name returns the same counter. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return (
      this.existing<Counter<L>>(config.name, Counter) ??
      new Counter({ ...config, registers: [this.registry] })
    );
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return (
      this.existing<Gauge<L>>(config.name, Gauge) ??
      new Gauge({ ...config, registers: [this.registry] })
    );
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return (
      this.existing<Histogram<L>>(config.name, Histogram) ??
      new Histogram({ ...config, registers: [this.registry] })
    );
  }

  /** The text exposition format Prometheus scrapes. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private existing<M>(
    name: string,
    kind: abstract new (...args: never[]) => unknown,
  ): M | undefined {
    const metric = this.registry.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof kind)) {
      throw new Error(`@slo-engine/platform: metric ${name} is already registered as another type`);
    }
    return metric as M;
  }
}
