import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { context, trace } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { captureLogs, createTestApp, ready } from '../__fixtures__/test-app';
import { startTracing, type StopTracing } from '../tracing/start-tracing';
import { createLogger } from './create-logger';

const byRequest = (lines: Record<string, unknown>[], id: string) =>
  lines.filter((line) => (line.req as { id?: string } | undefined)?.id === id);

describe('logging (over HTTP)', () => {
  describe('without tracing', () => {
    const logs = captureLogs();
    let app: NestFastifyApplication;
    beforeAll(async () => {
      app = await ready(await createTestApp({ logDestination: logs.destination }));
    });
    afterAll(() => app.close());

    it('writes JSON lines carrying the request id, with credentials redacted and no trace ids', async () => {
      await app.inject({
        method: 'GET',
        url: '/api/v1/services/checkout/dependencies',
        headers: {
          'x-request-id': 'req-42',
          authorization: 'Bearer secret-token',
          cookie: 'session=abc',
        },
      });
      const lines = byRequest(logs.lines, 'req-42');
      expect(lines.map((line) => line.msg)).toEqual(['Describing service', 'request completed']);
      const [appLine, completed] = lines;
      expect(appLine).toMatchObject({
        level: 'info',
        service: 'platform-test',
        serviceId: 'checkout',
      });
      expect(completed).toMatchObject({
        level: 'info',
        req: { method: 'GET', url: '/api/v1/services/checkout/dependencies' },
        res: { statusCode: 200 },
      });
      expect(typeof completed?.time).toBe('string');
      const headers = (completed?.req as { headers: Record<string, string> }).headers;
      expect(headers.authorization).toBe('[redacted]');
      expect(headers.cookie).toBe('[redacted]');
      expect(JSON.stringify(lines)).not.toContain('secret-token');
      expect(completed).not.toHaveProperty('trace_id');
    });
  });

  describe('with tracing on', () => {
    const logs = captureLogs();
    const exporter = new tracing.InMemorySpanExporter();
    let stopTracing: StopTracing;
    let app: NestFastifyApplication;
    beforeAll(async () => {
      stopTracing = startTracing(
        {
          TRACING_ENABLED: true,
          OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
          OTEL_SERVICE_NAME: 'platform-test',
        },
        { spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] },
      );
      app = await ready(await createTestApp({ logDestination: logs.destination }));
    });
    afterAll(async () => {
      await app.close();
      await stopTracing();
      trace.disable();
      context.disable();
    });

    it('records a span per request named by route template and puts its ids on every log line', async () => {
      await app.inject({
        method: 'GET',
        url: '/api/v1/services/checkout/dependencies',
        headers: { 'x-request-id': 'traced-1' },
      });
      const span = exporter
        .getFinishedSpans()
        .find((s) => s.name === 'HTTP GET /api/v1/services/:id/dependencies');
      expect(span).toBeDefined();
      expect(span?.attributes).toMatchObject({
        'http.method': 'GET',
        'http.route': '/api/v1/services/:id/dependencies',
        'http.status_code': 200,
      });
      const { traceId, spanId } = span!.spanContext();
      const lines = byRequest(logs.lines, 'traced-1');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toMatchObject({ trace_id: traceId, span_id: spanId });
    });

    it('continues an incoming W3C trace', async () => {
      const parentTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await app.inject({
        method: 'GET',
        url: '/api/v1/services/cart/dependencies',
        headers: {
          traceparent: `00-${parentTraceId}-00f067aa0ba902b7-01`,
          'x-request-id': 'traced-2',
        },
      });
      const line = byRequest(logs.lines, 'traced-2')[0];
      expect(line?.trace_id).toBe(parentTraceId);
    });

    it('gives non-HTTP code the active span ids through createLogger', () => {
      const workerLogs = captureLogs();
      const logger = createLogger({
        level: 'info',
        serviceName: 'workers',
        destination: workerLogs.destination,
      });
      const tracer = trace.getTracer('test');
      tracer.startActiveSpan('job', (span) => {
        logger.info({ job: 'aggregate' }, 'Job started');
        span.end();
      });
      logger.info('outside any span');
      expect(workerLogs.lines[0]).toMatchObject({
        service: 'workers',
        job: 'aggregate',
        level: 'info',
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
      });
      expect(workerLogs.lines[1]).not.toHaveProperty('trace_id');
    });
  });
});
