import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule, Reflector } from '@nestjs/core';
import { RateLimiter } from '@slo-engine/core';
import { AccessGuard, Authenticator, ServiceTeams } from './access.guard';

export interface AccessModuleOptions {
  /** Providers the guard needs: `Authenticator`, `ServiceTeams` and, for rate limits, `RateLimiter`. */
  readonly providers: readonly Provider[];
  /** Modules those providers need. */
  readonly imports?: readonly Type<unknown>[] | DynamicModule[];
  readonly rateLimits: boolean;
}

/** Installs {@link AccessGuard} as the global guard, with the app's authenticator and limiter. */
@Module({})
export class AccessControlModule {
  static forRoot(options: AccessModuleOptions): DynamicModule {
    return {
      module: AccessControlModule,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        ...options.providers,
        {
          provide: APP_GUARD,
          useFactory: (
            reflector: Reflector,
            authenticator: Authenticator,
            teams: ServiceTeams,
            limiter: RateLimiter | undefined,
          ) =>
            new AccessGuard(
              reflector,
              authenticator,
              teams,
              options.rateLimits ? (limiter ?? null) : null,
            ),
          inject: [Reflector, Authenticator, ServiceTeams, { token: RateLimiter, optional: true }],
        },
      ],
      exports: [...options.providers],
    };
  }
}
