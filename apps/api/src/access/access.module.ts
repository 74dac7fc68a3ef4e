import {
  type DynamicModule,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import {
  createRedisClient,
  FallbackRateLimiter,
  JoseAccessTokenVerifier,
  RedisRateLimiter,
} from '@slo-engine/adapters';
import {
  AccessTokenVerifier,
  AuthenticateApiKeyUseCase,
  GraphRepository,
  InMemoryRateLimiter,
  RateLimiter,
} from '@slo-engine/core';
import {
  AccessControlModule,
  Authenticator,
  MetricsRegistry,
  ServiceTeams,
} from '@slo-engine/platform';
import { type ApiConfig } from '../config';
import { apiKeyProviders } from './api-keys/api-keys.providers';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { BootstrapApiKey } from './bootstrap-api-key';
import { GraphServiceTeams } from './graph-service-teams';
import { claimMappingOf } from './principal-from-claims';
import { RequestAuthenticator } from './request-authenticator';

/** The Redis connection of the rate limiter, closed with the app. */
class RateLimitRedis implements OnApplicationShutdown {
  constructor(readonly client: ReturnType<typeof createRedisClient> | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

/** How long the rate limiter answers from memory after Redis failed, before it tries Redis again. */
const REDIS_RETRY_AFTER_MS = 5_000;

/**
 * Access control of the API (spec 004 FR-8): API keys (stored hashed), OIDC bearer tokens, RBAC with
 * service ownership, and per-caller rate limits shared through Redis. Installs the global guard.
 */
@Module({})
export class AccessModule {
  static forRoot(config: ApiConfig): DynamicModule {
    const logger = new Logger('Access');
    const providers: Provider[] = [
      ...apiKeyProviders({
        verificationCacheTtlMs: config.API_KEY_CACHE_TTL,
        verificationCacheEntries: 10_000,
      }),
      {
        provide: AccessTokenVerifier,
        useFactory: () =>
          config.AUTH_JWKS_URL && config.AUTH_ISSUER && config.AUTH_AUDIENCE
            ? new JoseAccessTokenVerifier({
                jwksUrl: config.AUTH_JWKS_URL,
                issuer: config.AUTH_ISSUER,
                audience: config.AUTH_AUDIENCE,
                algorithms: config.AUTH_ALGORITHMS.split(',').map((alg) => alg.trim()),
                clockToleranceSeconds: Math.round(config.AUTH_CLOCK_TOLERANCE / 1000),
              })
            : null,
      },
      {
        provide: Authenticator,
        useFactory: (apiKeys: AuthenticateApiKeyUseCase, tokens: AccessTokenVerifier | null) =>
          new RequestAuthenticator(apiKeys, tokens, claimMappingOf(config)),
        inject: [AuthenticateApiKeyUseCase, AccessTokenVerifier],
      },
      {
        provide: ServiceTeams,
        useFactory: (graph: GraphRepository) => new GraphServiceTeams(graph),
        inject: [GraphRepository],
      },
      {
        provide: RateLimitRedis,
        useFactory: () =>
          new RateLimitRedis(
            config.RATE_LIMITS_ENABLED && config.REDIS_URL
              ? createRedisClient(config.REDIS_URL, { connectionName: 'slo-engine-api:ratelimit' })
              : null,
          ),
      },
      {
        provide: RateLimiter,
        useFactory: (redis: RateLimitRedis, metrics: MetricsRegistry) => {
          const local = new InMemoryRateLimiter();
          if (!redis.client) return local;
          const degraded = metrics.gauge({
            name: 'slo_engine_rate_limit_degraded',
            help: '1 while Redis is unreachable and rate limits count per instance, else 0.',
          });
          degraded.set(0);
          return new FallbackRateLimiter(
            new RedisRateLimiter(redis.client, { keyPrefix: config.RATE_LIMIT_KEY_PREFIX }),
            local,
            {
              retryAfterMs: REDIS_RETRY_AFTER_MS,
              onDegraded: (error) =>
                logger.error(
                  { err: error },
                  'Redis is unreachable: rate limits now count per instance until it answers again',
                ),
              onRecovered: ({ degradedForMs }) =>
                logger.log(
                  `Redis answers again after ${degradedForMs} ms: rate limits are shared again`,
                ),
            },
          );
        },
        inject: [RateLimitRedis, MetricsRegistry],
      },
      BootstrapApiKey.provider(config.AUTH_BOOTSTRAP_API_KEY),
    ];
    return {
      module: AccessModule,
      imports: [AccessControlModule.forRoot({ rateLimits: config.RATE_LIMITS_ENABLED, providers })],
      controllers: [ApiKeysController],
    };
  }
}
