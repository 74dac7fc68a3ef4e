import { Logger, type Provider } from '@nestjs/common';
import {
  ApiKeyRepository,
  ApiKeyVerificationCache,
  AuthenticateApiKeyUseCase,
  Clock,
  CreateApiKeyUseCase,
  ListApiKeysUseCase,
  RevokeApiKeyUseCase,
  SecretHasher,
} from '@slo-engine/core';
import { PostgresApiKeyRepository, ScryptSecretHasher } from '@slo-engine/adapters';
import { DataSource } from 'typeorm';

export interface ApiKeyProvidersOptions {
  /** How long a successful key verification is trusted (API_KEY_CACHE_TTL); revocations reach other instances within it. */
  readonly verificationCacheTtlMs: number;
  /** Most keys the verification cache holds (API_KEY_CACHE_MAX_ENTRIES). */
  readonly verificationCacheEntries: number;
}

/**
 * The API-key providers, to be registered once, in the module that also serves
 * {@link ApiKeysController} and hands AuthenticateApiKeyUseCase to the auth guard: the revoke use
 * case and the authenticate use case must share one ApiKeyVerificationCache, or a revocation would
 * not evict the guard's cached verification. Needs `DataSource` and `Clock` (PersistenceModule).
 */
export function apiKeyProviders(options: ApiKeyProvidersOptions): Provider[] {
  const logger = new Logger('ApiKeys');
  return [
    {
      provide: ApiKeyRepository,
      useFactory: (ds: DataSource) => new PostgresApiKeyRepository(ds.manager),
      inject: [DataSource],
    },
    { provide: SecretHasher, useFactory: () => new ScryptSecretHasher() },
    {
      provide: ApiKeyVerificationCache,
      useFactory: (clock: Clock) =>
        new ApiKeyVerificationCache(clock, {
          ttlMs: options.verificationCacheTtlMs,
          maxEntries: options.verificationCacheEntries,
        }),
      inject: [Clock],
    },
    {
      provide: CreateApiKeyUseCase,
      useFactory: (keys: ApiKeyRepository, hasher: SecretHasher, clock: Clock) =>
        new CreateApiKeyUseCase(keys, hasher, clock),
      inject: [ApiKeyRepository, SecretHasher, Clock],
    },
    {
      provide: ListApiKeysUseCase,
      useFactory: (keys: ApiKeyRepository) => new ListApiKeysUseCase(keys),
      inject: [ApiKeyRepository],
    },
    {
      provide: RevokeApiKeyUseCase,
      useFactory: (keys: ApiKeyRepository, clock: Clock, cache: ApiKeyVerificationCache) =>
        new RevokeApiKeyUseCase(keys, clock, cache),
      inject: [ApiKeyRepository, Clock, ApiKeyVerificationCache],
    },
    {
      provide: AuthenticateApiKeyUseCase,
      useFactory: (
        keys: ApiKeyRepository,
        hasher: SecretHasher,
        clock: Clock,
        cache: ApiKeyVerificationCache,
      ) =>
        new AuthenticateApiKeyUseCase(keys, hasher, clock, cache, {
          onTouchFailure: (error, keyId) =>
            logger.warn({ err: error, keyId }, 'could not record the API key last use'),
        }),
      inject: [ApiKeyRepository, SecretHasher, Clock, ApiKeyVerificationCache],
    },
  ];
}
