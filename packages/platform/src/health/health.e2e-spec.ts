import { Injectable } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, ready } from '../__fixtures__/test-app';
import { ReadinessCheck, type ReadinessReport } from './readiness-check';

@Injectable()
class DatabaseCheck extends ReadinessCheck {
  readonly name = 'database';
  check(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
class RedisCheck extends ReadinessCheck {
  readonly name = 'redis';
  check(): Promise<void> {
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}

@Injectable()
class PrometheusCheck extends ReadinessCheck {
  readonly name = 'prometheus';
  check(): Promise<void> {
    return new Promise(() => undefined); // never answers
  }
}

describe('HealthModule (over HTTP)', () => {
  it('answers liveness and a passing readiness with 200', async () => {
    const app = await ready(await createTestApp({ readinessChecks: [DatabaseCheck] }));
    try {
      const live = await app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toEqual({ status: 'ok' });

      const readiness = await app.inject({ method: 'GET', url: '/api/v1/health/ready' });
      expect(readiness.statusCode).toBe(200);
      expect(readiness.json()).toEqual({
        status: 'ready',
        checks: [{ name: 'database', status: 'up', durationMs: expect.any(Number) as number }],
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming the failing and the timed-out check, while liveness stays 200', async () => {
    const app: NestFastifyApplication = await ready(
      await createTestApp({
        readinessChecks: [DatabaseCheck, RedisCheck, PrometheusCheck],
        readinessTimeoutMs: 50,
      }),
    );
    try {
      const readiness = await app.inject({ method: 'GET', url: '/api/v1/health/ready' });
      expect(readiness.statusCode).toBe(503);
      const report = readiness.json<ReadinessReport>();
      expect(report.status).toBe('unavailable');
      expect(report.checks).toEqual([
        { name: 'database', status: 'up', durationMs: expect.any(Number) as number },
        {
          name: 'redis',
          status: 'down',
          durationMs: expect.any(Number) as number,
          error: 'connect ECONNREFUSED 127.0.0.1:6379',
        },
        {
          name: 'prometheus',
          status: 'down',
          durationMs: expect.any(Number) as number,
          error: 'timed out after 50 ms',
        },
      ]);
      expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
