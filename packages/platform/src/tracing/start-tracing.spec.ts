import { context, propagation, trace } from '@opentelemetry/api';
import { startTracing } from './start-tracing';

describe('startTracing', () => {
  const isTracing = () => trace.getTracer('probe').startSpan('probe').isRecording();

  it('leaves the global tracer a no-op when disabled or without an endpoint', async () => {
    const whenDisabled = startTracing({
      TRACING_ENABLED: false,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SERVICE_NAME: 'api',
    });
    const withoutEndpoint = startTracing({
      TRACING_ENABLED: true,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_SERVICE_NAME: 'api',
    });
    expect(isTracing()).toBe(false);
    await expect(whenDisabled()).resolves.toBeUndefined();
    await expect(withoutEndpoint()).resolves.toBeUndefined();
  });

  it('starts the SDK with the OTLP exporter when enabled with an endpoint, and stops it', async () => {
    // Nothing listens on this port: spans are only exported on shutdown, where the failure is
    // logged by the SDK, not thrown.
    const stop = startTracing({
      TRACING_ENABLED: true,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/',
      OTEL_SERVICE_NAME: 'api',
    });
    try {
      expect(isTracing()).toBe(true);
    } finally {
      await stop();
      trace.disable();
      context.disable();
      propagation.disable();
    }
  });
});
