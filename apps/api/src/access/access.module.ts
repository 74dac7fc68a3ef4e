import {
  type DynamicModule,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { createRedisClient, JoseAccessTokenVerifier } from '@slo-engine/adapters';
import {
  AccessTokenVerifier,
  AuthenticateApiKeyUseCase,
  DEFAULT_API_KEY_CACHE_ENTRIES,
  GraphRepository,
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
import { sharedRateLimiter } from './shared-rate-limiter';
import { RequestAuthenticator } from './request-authenticator';

/** The Redis connection of the rate limiter, closed with the app. */
class RateLimitRedis implements OnApplicationShutdown {
  constructor(readonly client: ReturnType<typeof createRedisClient> | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

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
        verificationCacheEntries: DEFAULT_API_KEY_CACHE_ENTRIES,
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
        useFactory: (redis: RateLimitRedis, metrics: MetricsRegistry) =>
          sharedRateLimiter({
            redis: redis.client,
            keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
            metrics,
            logger,
          }),
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
