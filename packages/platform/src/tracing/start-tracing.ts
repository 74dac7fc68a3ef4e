import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, type tracing } from '@opentelemetry/sdk-node';

export interface TracingConfig {
  readonly TRACING_ENABLED: boolean;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT: string | undefined;
  readonly OTEL_SERVICE_NAME: string;
}

export interface StartTracingOptions {
  /** Replaces the OTLP exporter (tests use an in-memory exporter); tracing then needs no endpoint. */
  readonly spanProcessors?: readonly tracing.SpanProcessor[];
}

/** Stops the SDK, flushing spans still buffered. Resolves at once when tracing never started. */
export type StopTracing = () => Promise<void>;

/**
 * Starts the OpenTelemetry Node SDK with the OTLP/HTTP trace exporter when `TRACING_ENABLED` is
 * true and `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise the global tracer stays a no-op, spans
 * cost almost nothing and logs carry no `trace_id`. Call it first in `main.ts`, before the app is
 * created, and call the returned function on shutdown.
 */
export function startTracing(
  config: TracingConfig,
  options: StartTracingOptions = {},
): StopTracing {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!config.TRACING_ENABLED || (endpoint === undefined && options.spanProcessors === undefined)) {
    return () => Promise.resolve();
  }
  const sdk = new NodeSDK({
    serviceName: config.OTEL_SERVICE_NAME,
    ...(options.spanProcessors
      ? { spanProcessors: [...options.spanProcessors] }
      : {
          traceExporter: new OTLPTraceExporter({
            url: `${endpoint?.replace(/\/+$/, '')}/v1/traces`,
          }),
        }),
    instrumentations: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
