import {
  Controller,
  type DynamicModule,
  Get,
  Global,
  Header,
  Module,
  Res,
  type Type,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/access';
import { MetricsRegistry } from './metrics-registry';

export interface MetricsModuleOptions {
  /** `METRICS_ENABLED`: off serves no endpoint and records nothing. */
  readonly enabled: boolean;
  /** Path of the scrape endpoint; `/metrics` by default. */
  readonly path?: string;
  readonly defaultMetrics?: boolean;
}

function createMetricsController(path: string): Type<unknown> {
  @ApiExcludeController()
  @PublicRoute()
  @Controller()
  class MetricsController {
    constructor(private readonly metrics: MetricsRegistry) {}

    @Get(path)
    @Header('cache-control', 'no-store')
    async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
      const { contentType, body } = await this.metrics.exposition();
      void reply.header('content-type', contentType);
      return body;
    }
  }
  return MetricsController;
}

/**
 * Provides {@link MetricsRegistry} everywhere (global module) and, when enabled, `GET /metrics`.
 * The HTTP request metrics are recorded by a Fastify hook that `configureApp` installs, so they
 * also count requests Nest never routes (404, 413).
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions): DynamicModule {
    const registry = new MetricsRegistry({
      enabled: options.enabled,
      ...(options.defaultMetrics === undefined ? {} : { defaultMetrics: options.defaultMetrics }),
    });
    return {
      module: MetricsModule,
      controllers: options.enabled ? [createMetricsController(options.path ?? '/metrics')] : [],
      providers: [{ provide: MetricsRegistry, useValue: registry }],
      exports: [MetricsRegistry],
    };
  }
}
