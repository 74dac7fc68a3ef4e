import {
  Controller,
  type DynamicModule,
  Get,
  HttpStatus,
  Inject,
  Module,
  type ModuleMetadata,
  Res,
  type Type,
} from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { ReadinessCheck, type ReadinessReport, runReadinessChecks } from './readiness-check';
import { PublicRoute } from '../auth/access';

/** Token of the array of registered readiness checks. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthModuleOptions {
  /** Prefix of both endpoints, e.g. `/api/v1` → `/api/v1/health`, `/api/v1/health/ready`. */
  readonly prefix?: string;
  /** Injectable {@link ReadinessCheck} classes, instantiated inside this module. */
  readonly checks?: readonly Type<ReadinessCheck>[];
  /** Modules the checks' dependencies come from (global modules need no listing). */
  readonly imports?: ModuleMetadata['imports'];
  /** Per-check bound; 2000 ms by default. */
  readonly timeoutMs?: number;
}

function createHealthController(prefix: string): Type<unknown> {
  @ApiTags('health')
  @PublicRoute()
  @Controller(`${prefix.replace(/\/+$/, '')}/health`)
  class HealthController {
    constructor(
      @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
      @Inject(HEALTH_OPTIONS) private readonly options: { timeoutMs: number },
    ) {}

    /** Liveness: answers while the process serves requests; restarts are for when it does not. */
    @Get()
    @ApiOkResponse({ description: 'The process is alive.' })
    live(): { status: 'ok' } {
      return { status: 'ok' };
    }

    /** Readiness: whether every dependency answers; load balancers stop routing on 503. */
    @Get('ready')
    @ApiOkResponse({ description: 'Every readiness check passed.' })
    @ApiServiceUnavailableResponse({
      description: 'At least one readiness check failed or timed out.',
    })
    async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
      const report = await runReadinessChecks(this.checks, this.options.timeoutMs);
      void reply
        .status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
        .header('cache-control', 'no-store');
      return report;
    }
  }
  return HealthController;
}

/** `GET <prefix>/health` (liveness) and `GET <prefix>/health/ready` (readiness checks). */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const checks = options.checks ?? [];
    return {
      module: HealthModule,
      imports: [...(options.imports ?? [])],
      controllers: [createHealthController(options.prefix ?? '')],
      providers: [
        ...checks,
        { provide: HEALTH_OPTIONS, useValue: { timeoutMs: options.timeoutMs ?? 2000 } },
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: [...checks],
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
