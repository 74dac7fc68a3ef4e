import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, ready } from '../__fixtures__/test-app';
import { MetricsRegistry } from './metrics-registry';

describe('MetricsModule (over HTTP)', () => {
  describe('enabled', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => {
      app = await ready(await createTestApp({ metricsEnabled: true }));
    });
    afterAll(() => app.close());

    it('labels requests with the route template, never the raw URL', async () => {
      await app.inject({ method: 'GET', url: '/api/v1/services/checkout/dependencies' });
      await app.inject({ method: 'GET', url: '/api/v1/services/cart/dependencies?depth=3' });
      await app.inject({ method: 'GET', url: '/api/v1/services/missing/dependencies' });
      await app.inject({ method: 'GET', url: '/no/such/route/42' });

      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      const text = response.body;
      expect(text).toContain('# TYPE slo_engine_http_requests_total counter');
      expect(text).toContain(
        'slo_engine_http_requests_total{method="GET",route="/api/v1/services/:id/dependencies",status="200"} 2',
      );
      expect(text).toContain(
        'slo_engine_http_requests_total{method="GET",route="/api/v1/services/:id/dependencies",status="404"} 1',
      );
      expect(text).toContain(
        'slo_engine_http_requests_total{method="GET",route="unmatched",status="404"} 1',
      );
      expect(text).toContain(
        'slo_engine_http_request_duration_seconds_count{method="GET",route="/api/v1/services/:id/dependencies"} 3',
      );
      expect(text).toContain(
        'slo_engine_http_request_duration_seconds_bucket{le="0.5",method="GET"',
      );
      expect(text).not.toContain('checkout');
      expect(text).not.toContain('/no/such');
    });

    it('serves metrics an app registers on the injected registry', async () => {
      const metrics = app.get(MetricsRegistry);
      const nodes = metrics.gauge({
        name: 'slo_engine_dependency_graph_nodes',
        help: 'Services in the graph.',
      });
      nodes.set(37);
      expect(metrics.gauge({ name: 'slo_engine_dependency_graph_nodes', help: 'again' })).toBe(
        nodes,
      );
      expect(() =>
        metrics.counter({ name: 'slo_engine_dependency_graph_nodes', help: 'clash' }),
      ).toThrow(/already registered as another type/);
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.body).toContain('slo_engine_dependency_graph_nodes 37');
    });
  });

  describe('disabled', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => {
      app = await ready(await createTestApp({ metricsEnabled: false }));
    });
    afterAll(() => app.close());

    it('serves no endpoint and records nothing, while apps can still register metrics', async () => {
      await app.inject({ method: 'GET', url: '/api/v1/services/checkout/dependencies' });
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(404);
      const metrics = app.get(MetricsRegistry);
      metrics.counter({ name: 'slo_engine_custom_total', help: 'An app metric.' }).inc();
      const { body } = await metrics.exposition();
      expect(body).not.toContain('slo_engine_http_requests_total{');
    });
  });
});
