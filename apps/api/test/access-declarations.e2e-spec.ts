/**
 * Every route of the API declares who may call it (`@Access` or `@PublicRoute`), so no endpoint can
 * ship open by omission; and only health, readiness and metrics are public.
 */
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, isPublicAccess, type RouteAccess } from '@slo-engine/platform';
import { createApiFixture, type ApiFixture } from './api-fixture';

interface DeclaredRoute {
  readonly route: string;
  readonly access: RouteAccess | undefined;
}

function declaredRoutes(fixture: ApiFixture): DeclaredRoute[] {
  const discovery = fixture.app.get(DiscoveryService);
  const scanner = fixture.app.get(MetadataScanner);
  const reflector = fixture.app.get(Reflector);
  const routes: DeclaredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      routes.push({
        route: `${method} /${[prefix, path]
          .map((part) => part.replace(/^\/+|\/+$/g, ''))
          .filter(Boolean)
          .join('/')}`,
        access: reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [
          handler as () => unknown,
          wrapper.metatype as () => unknown,
        ]),
      });
    }
  }
  return routes;
}

describe('route access declarations', () => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await createApiFixture();
  });
  afterAll(() => fixture.close());

  it('finds the routes (the scan itself works)', () => {
    const routes = declaredRoutes(fixture).map((route) => route.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/services/dependencies',
        'GET /api/v1/services/:serviceId/slo-recommendations',
        'GET /api/v1/health',
      ]),
    );
  });

  it('has a declaration on every route', () => {
    const undeclared = declaredRoutes(fixture)
      .filter((route) => route.access === undefined)
      .map((route) => route.route);
    expect(undeclared).toEqual([]);
  });

  it('keeps only health, readiness and metrics public', () => {
    const open = declaredRoutes(fixture)
      .filter((route) => route.access !== undefined && isPublicAccess(route.access))
      .map((route) => route.route)
      .sort();
    expect(open).toEqual(['GET /api/v1/health', 'GET /api/v1/health/ready', 'GET /metrics']);
  });

  it('gives every protected route a positive rate limit', () => {
    for (const { route, access } of declaredRoutes(fixture)) {
      if (access === undefined || isPublicAccess(access)) continue;
      expect({ route, ratePerMinute: access.ratePerMinute }).toEqual({
        route,
        ratePerMinute: expect.any(Number) as unknown,
      });
      expect(access.ratePerMinute).toBeGreaterThan(0);
    }
  });
});
