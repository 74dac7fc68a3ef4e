import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PrometheusTelemetrySource, type PrometheusAuth } from '@slo-engine/adapters';
import { GraphSnapshotCache, TelemetrySource } from '@slo-engine/core';
import { MetricsRegistry } from '@slo-engine/platform';
import { type ApiConfig } from '../config';
import { GraphSyntheticTelemetry } from './graph-synthetic-telemetry';

function prometheusAuth(config: ApiConfig): PrometheusAuth | undefined {
  if (config.PROMETHEUS_BEARER_TOKEN !== undefined) {
    return { type: 'bearer', token: config.PROMETHEUS_BEARER_TOKEN };
  }
  if (config.PROMETHEUS_USERNAME !== undefined) {
    return {
      type: 'basic',
      username: config.PROMETHEUS_USERNAME,
      password: config.PROMETHEUS_PASSWORD ?? '',
    };
  }
  return undefined;
}

/**
 * Binds TelemetrySource: Prometheus/Mimir when PROMETHEUS_URL is set (with the query metrics of
 * spec 004 §11), otherwise the synthetic fleet of the stored graph (embedded mode).
 */
@Global()
@Module({})
export class TelemetryModule {
  static forRoot(config: ApiConfig): DynamicModule {
    const prometheusUrl = config.PROMETHEUS_URL;
    return {
      module: TelemetryModule,
      providers: [
        prometheusUrl !== undefined
          ? {
              provide: TelemetrySource,
              useFactory: (metrics: MetricsRegistry) => {
                const duration = metrics.histogram({
                  name: 'slo_engine_prometheus_query_duration_seconds',
                  help: 'Prometheus/Mimir queries by purpose and endpoint, retries included.',
                  labelNames: ['purpose', 'endpoint', 'outcome'],
                  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
                });
                const errors = metrics.counter({
                  name: 'slo_engine_prometheus_query_errors_total',
                  help: 'Failed Prometheus/Mimir queries by purpose and kind (timeout, http_5xx, circuit_open, …).',
                  labelNames: ['purpose', 'kind'],
                });
                const auth = prometheusAuth(config);
                return new PrometheusTelemetrySource({
                  url: prometheusUrl,
                  ...(auth !== undefined ? { auth } : {}),
                  timeoutMs: config.PROMETHEUS_TIMEOUT,
                  retry: { maxRetries: config.PROMETHEUS_RETRIES },
                  observer: {
                    onQuery: (event) => {
                      duration.observe(
                        {
                          purpose: event.purpose,
                          endpoint: event.endpoint,
                          outcome: event.outcome,
                        },
                        event.durationSeconds,
                      );
                      if (event.outcome === 'error') {
                        errors.inc({ purpose: event.purpose, kind: event.errorKind ?? 'unknown' });
                      }
                    },
                  },
                });
              },
              inject: [MetricsRegistry],
            }
          : {
              provide: TelemetrySource,
              useFactory: (snapshots: GraphSnapshotCache) =>
                new GraphSyntheticTelemetry(snapshots, config.SYNTHETIC_TELEMETRY_SEED),
              inject: [GraphSnapshotCache],
            },
      ],
      exports: [TelemetrySource],
    };
  }
}
