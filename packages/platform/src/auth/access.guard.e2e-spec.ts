import { type IncomingHttpHeaders } from 'node:http';
import { Controller, Get, Module, Param, Post } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError, InMemoryRateLimiter, RateLimiter } from '@slo-engine/core';
import { createFastifyApp } from '../bootstrap/create-fastify-app';
import { Access, PublicRoute } from './access';
import {
  AccessErrorCodes,
  Authenticator,
  ServiceTeams,
  accessGuardStatusByCode,
} from './access.guard';
import { AccessControlModule } from './access.module';
import { CurrentPrincipal, type Principal } from './principal';

/** Callers by the token they present: `Bearer <name>` (users) or `X-API-Key: <name>` (keys). */
const CALLERS: Record<string, Principal> = {
  admin: {
    kind: 'user',
    subject: 'u-admin',
    actor: 'ada@example.com',
    roles: ['sre_admin'],
    teams: [],
  },
  owner: {
    kind: 'user',
    subject: 'u-owner',
    actor: 'olu@example.com',
    roles: ['service_owner'],
    teams: ['payments'],
  },
  viewer: {
    kind: 'user',
    subject: 'u-viewer',
    actor: 'vic@example.com',
    roles: ['viewer'],
    teams: ['payments'],
  },
  nobody: { kind: 'user', subject: 'u-nobody', actor: 'nia@example.com', roles: [], teams: [] },
  backstage: {
    kind: 'api_key',
    subject: 'key:bk1',
    actor: 'api-key:backstage',
    roles: ['sre_admin'],
    teams: [],
  },
};

class FakeAuthenticator extends Authenticator {
  authenticate(headers: IncomingHttpHeaders): Promise<Principal | null> {
    const key = headers['x-api-key'];
    const bearer = headers.authorization?.replace(/^Bearer /, '');
    const name = typeof key === 'string' ? key : bearer;
    if (name === undefined) return Promise.resolve(null);
    const principal = CALLERS[name];
    if (!principal) {
      return Promise.reject(new DomainError('AUTH.INVALID_TOKEN', 'The token is not valid.'));
    }
    return Promise.resolve(principal);
  }
}

class FakeServiceTeams extends ServiceTeams {
  teamOf(serviceId: string): Promise<string | null | undefined> {
    const teams: Record<string, string | null> = {
      'payment-service': 'payments',
      'search-service': 'search',
      orphan: null,
    };
    return Promise.resolve(teams[serviceId]);
  }
}

@Controller('t')
class TestController {
  @Get('open')
  @PublicRoute()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('undeclared')
  undeclared(): { ok: true } {
    return { ok: true };
  }

  @Get('read')
  @Access({ role: 'viewer', ratePerMinute: 3 })
  read(@CurrentPrincipal() principal: Principal): { actor: string } {
    return { actor: principal.actor };
  }

  @Post('admin')
  @Access({ role: 'sre_admin', ratePerMinute: 100 })
  admin(): { ok: true } {
    return { ok: true };
  }

  @Get('services/:serviceId/report')
  @Access({
    role: 'viewer',
    ratePerMinute: 100,
    whenQuery: {
      param: 'fresh',
      equals: 'true',
      rule: { role: 'service_owner', ownedService: 'serviceId' },
    },
  })
  report(@Param('serviceId') serviceId: string) {
    return { serviceId };
  }

  @Post('services/:serviceId/decide')
  @Access({ role: 'service_owner', ownedService: 'serviceId', userOnly: true, ratePerMinute: 100 })
  decide(@Param('serviceId') serviceId: string, @CurrentPrincipal() principal: Principal) {
    return { serviceId, actor: principal.actor };
  }
}

describe('AccessGuard (over HTTP)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        AccessControlModule.forRoot({
          rateLimits: true,
          providers: [
            { provide: Authenticator, useClass: FakeAuthenticator },
            { provide: ServiceTeams, useClass: FakeServiceTeams },
            { provide: RateLimiter, useValue: new InMemoryRateLimiter() },
          ],
        }),
      ],
      controllers: [TestController],
    })
    class TestModule {}
    app = await createFastifyApp(TestModule, {
      config: { BODY_LIMIT_BYTES: 1024 * 1024 },
      statusByCode: { ...accessGuardStatusByCode, 'AUTH.INVALID_TOKEN': 401 },
      nestOptions: { logger: false, abortOnError: false },
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });
  const post = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, payload: {} });
  const bearer = (name: string) => ({ authorization: `Bearer ${name}` });

  it('lets anyone call a public route', async () => {
    expect((await get('/t/open')).statusCode).toBe(200);
  });

  it('refuses a route that declares no access rule, even to an admin', async () => {
    const response = await get('/t/undeclared', bearer('admin'));
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: AccessErrorCodes.UNDECLARED_ROUTE });
  });

  it('answers 401 with a challenge when credentials are missing', async () => {
    const response = await get('/t/read');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="slo-engine"/);
    expect(response.json()).toMatchObject({ code: AccessErrorCodes.UNAUTHENTICATED });
  });

  it("answers the authenticator's error for bad credentials", async () => {
    const response = await get('/t/read', bearer('mallory'));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
  });

  it('orders roles: a stronger role passes, a weaker one or none is forbidden', async () => {
    expect((await post('/t/admin', bearer('admin'))).statusCode).toBe(201);
    for (const caller of ['owner', 'viewer', 'nobody']) {
      const response = await post('/t/admin', bearer(caller));
      expect({ caller, status: response.statusCode }).toEqual({ caller, status: 403 });
    }
  });

  it('requires a person where the route says so', async () => {
    const response = await post('/t/services/payment-service/decide', { 'x-api-key': 'backstage' });
    expect(response.statusCode).toBe(403);
    expect(response.json<{ detail: string }>().detail).toMatch(/must be taken by a person/);
  });

  it("lets a service owner act only on their team's services (BOLA)", async () => {
    const own = await post('/t/services/payment-service/decide', bearer('owner'));
    expect(own.statusCode).toBe(201);
    expect(own.json()).toEqual({ serviceId: 'payment-service', actor: 'olu@example.com' });
    expect((await post('/t/services/search-service/decide', bearer('owner'))).statusCode).toBe(403);
    expect((await post('/t/services/orphan/decide', bearer('owner'))).statusCode).toBe(403);
    expect((await post('/t/services/search-service/decide', bearer('admin'))).statusCode).toBe(201);
    expect((await post('/t/services/payment-service/decide', bearer('viewer'))).statusCode).toBe(
      403,
    );
  });

  it('applies the stricter rule of a query flag only when the flag is set', async () => {
    expect((await get('/t/services/payment-service/report', bearer('viewer'))).statusCode).toBe(
      200,
    );
    const refused = await get('/t/services/payment-service/report?fresh=true', bearer('viewer'));
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ detail: string }>().detail).toMatch(
      /with fresh=true needs the service_owner role/,
    );
    expect(
      (await get('/t/services/search-service/report?fresh=true', bearer('owner'))).statusCode,
    ).toBe(403);
    expect(
      (await get('/t/services/payment-service/report?fresh=true', bearer('owner'))).statusCode,
    ).toBe(200);
    expect(
      (await get('/t/services/search-service/report?fresh=true', bearer('admin'))).statusCode,
    ).toBe(200);
  });

  it('leaves an unknown service to the handler (its 404), not a 403', async () => {
    expect((await post('/t/services/ghost/decide', bearer('owner'))).statusCode).toBe(201);
  });

  it('charges each caller its own allowance and answers 429 with Retry-After when spent', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await get('/t/read', bearer('viewer')));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
    expect(answers[0]?.headers['ratelimit-policy']).toBe('3;w=60');
    expect(answers[2]?.headers['x-ratelimit-remaining']).toBe('0');
    const refused = answers[3];
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.json()).toMatchObject({ status: 429, code: AccessErrorCodes.RATE_LIMITED });
    // Another caller on the same route still has its own allowance.
    expect((await get('/t/read', bearer('owner'))).statusCode).toBe(200);
  });
});
