import { Logger, Module, type Type } from '@nestjs/common';
import {
  CanaryBook,
  CapabilityRouter,
  ControllerErrorCodes,
  DomainErrorCodes,
  type InvocationResponse,
  InvokeCapabilityUseCase,
  RegistryStore,
  SloBook,
  WorkerDirectory,
} from '@slo-engine/core';
import { IdempotencyService } from '@slo-engine/idempotency';
import { CapabilityRegistry, requiredCapabilitiesPolicy } from '@slo-engine/registry';
import { HealthModule, LoggingModule, MetricsModule, createLogger } from '@slo-engine/platform';
import { CanaryController } from './canary/canary.controller';
import { ControllerLifecycle } from './controller-lifecycle';
import { ControllerMetrics } from './controller-metrics';
import { ControllerEvents, EventsController } from './events/controller-events';
import { NOT_AN_ADMIN } from './identity/admin';
import { InvokeController } from './invoke/invoke.controller';
import { RegistryController } from './registry/registry.controller';
import { type ControllerRuntime } from './runtime';
import { SlosController } from './slos/slos.controller';
import { StateController } from './state/state.controller';
import {
  CONTROLLER_CLOCK,
  CONTROLLER_CONFIG,
  CONTROLLER_IDEMPOTENCY,
  CONTROLLER_RUNTIME,
} from './tokens';

/** Domain error code → HTTP status: the one table the problem-details filter answers from. */
export const statusByCode: Readonly<Record<string, number>> = {
  [DomainErrorCodes.INVALID_INPUT]: 400,
  [ControllerErrorCodes.INVALID_REGISTRATION]: 400,
  [ControllerErrorCodes.WORKER_URL_REFUSED]: 422,
  [ControllerErrorCodes.WORKER_OWNED_ELSEWHERE]: 403,
  [ControllerErrorCodes.IDENTITY_MISMATCH]: 403,
  [ControllerErrorCodes.NO_WORKER_AVAILABLE]: 503,
  [ControllerErrorCodes.SLO_VIOLATION]: 503,
  [ControllerErrorCodes.IDEMPOTENCY_IN_FLIGHT]: 409,
  [ControllerErrorCodes.IDEMPOTENCY_KEY_REUSED]: 422,
  [ControllerErrorCodes.IDEMPOTENCY_STORE_FULL]: 503,
  [ControllerErrorCodes.WORKER_FAILED]: 502,
  [ControllerErrorCodes.WORKER_TIMEOUT]: 504,
  [ControllerErrorCodes.CANARY_NOT_FOUND]: 404,
  [ControllerErrorCodes.INVALID_CANARY]: 400,
  [NOT_AN_ADMIN]: 403,
};

/** The controller's root module for one runtime. Wiring only: every rule lives in core and the domain packages. */
export function createControllerModule(runtime: ControllerRuntime): Type<unknown> {
  const { config } = runtime;
  const now = runtime.now ?? Date.now;
  @Module({
    imports: [
      LoggingModule.forRoot({
        logger: createLogger({ level: config.LOG_LEVEL, serviceName: config.OTEL_SERVICE_NAME }),
        quietPaths: ['/health', '/health/ready', '/metrics', '/heartbeat'],
      }),
      MetricsModule.forRoot({ enabled: config.METRICS_ENABLED }),
      HealthModule.forRoot({ prefix: '', checks: [] }),
    ],
    controllers: [
      RegistryController,
      InvokeController,
      CanaryController,
      SlosController,
      StateController,
      EventsController,
    ],
    providers: [
      { provide: CONTROLLER_RUNTIME, useValue: runtime },
      { provide: CONTROLLER_CONFIG, useValue: config },
      { provide: CONTROLLER_CLOCK, useValue: now },
      { provide: RegistryStore, useValue: runtime.registryStore },
      {
        provide: CapabilityRegistry,
        useFactory: () =>
          new CapabilityRegistry({
            clock: now,
            staleTimeoutMs: config.CONTROLLER_STALE_TIMEOUT,
            heartbeatIntervalMs: config.CONTROLLER_HEARTBEAT_INTERVAL,
            policy: requiredCapabilitiesPolicy,
          }),
      },
      {
        provide: WorkerDirectory,
        useFactory: (registry: CapabilityRegistry, metrics: ControllerMetrics) => {
          const logger = new Logger('Controller');
          return new WorkerDirectory(registry, runtime.registryStore, runtime.urlGuard, {
            onStoreError: (operation, error) => {
              metrics.storeErrors.inc({ operation });
              logger.error(
                `registry store ${operation} failed (the in-memory registry keeps the change): ${error instanceof Error ? error.message : String(error)}`,
              );
            },
          });
        },
        inject: [CapabilityRegistry, ControllerMetrics],
      },
      {
        provide: SloBook,
        useFactory: () =>
          new SloBook({
            windowMs: config.CONTROLLER_SLI_WINDOW,
            minRequests: config.CONTROLLER_SLO_MIN_REQUESTS,
            retryAfterSeconds: Math.ceil(config.CONTROLLER_SHED_RETRY_AFTER / 1000),
          }),
      },
      {
        provide: CanaryBook,
        useFactory: () =>
          new CanaryBook({
            rollbackAfter: config.CONTROLLER_CANARY_ROLLBACK_AFTER,
            minRequests: config.CONTROLLER_SLO_MIN_REQUESTS,
            burnRateFactor: config.CONTROLLER_CANARY_BURN_RATE_FACTOR,
          }),
      },
      {
        provide: CapabilityRouter,
        useFactory: (directory: WorkerDirectory, canaries: CanaryBook) =>
          new CapabilityRouter(directory, canaries, runtime.random),
        inject: [WorkerDirectory, CanaryBook],
      },
      {
        provide: CONTROLLER_IDEMPOTENCY,
        useFactory: () =>
          new IdempotencyService<InvocationResponse>({
            store: runtime.idempotencyStore,
            now,
            leaseMs: config.CONTROLLER_IDEMPOTENCY_LEASE,
            ttlMs: config.CONTROLLER_IDEMPOTENCY_TTL,
            // Client errors are deterministic and replayed; worker failures are retried.
            cacheable: (response) => response.status < 500,
          }),
      },
      {
        provide: InvokeCapabilityUseCase,
        useFactory: (
          router: CapabilityRouter,
          slos: SloBook,
          idempotency: IdempotencyService<InvocationResponse>,
        ) =>
          new InvokeCapabilityUseCase(router, runtime.invoker, slos, idempotency, {
            now,
            workerTimeoutMs: config.CONTROLLER_WORKER_TIMEOUT,
          }),
        inject: [CapabilityRouter, SloBook, CONTROLLER_IDEMPOTENCY],
      },
      ControllerMetrics,
      ControllerEvents,
      ControllerLifecycle,
    ],
  })
  class ControllerModule {}
  return ControllerModule;
}
