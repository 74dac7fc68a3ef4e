import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Logger,
  Module,
  Param,
  Post,
  type Type,
} from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiTags } from '@nestjs/swagger';
import { DomainError, DomainErrorCodes } from '@slo-engine/core';
import { Type as TransformTo } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { type DestinationStream } from 'pino';
import { createFastifyApp } from '../bootstrap/create-fastify-app';
import { type ReadinessCheck } from '../health/readiness-check';
import { HealthModule } from '../health/health.module';
import { createLogger } from '../logging/create-logger';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ApiProblemResponse } from '../openapi/problem-details.schema';

class OwnerDto {
  @IsString()
  @Length(1, 64)
  team!: string;
}

class EdgeDto {
  @IsString()
  @Length(1, 255)
  source!: string;

  @IsString()
  @Length(1, 255)
  target!: string;

  @IsIn(['manual', 'service_mesh'])
  discoverySource!: string;
}

class IngestDto {
  @IsArray()
  @ValidateNested({ each: true })
  @TransformTo(() => EdgeDto)
  edges!: EdgeDto[];

  @IsOptional()
  @ValidateNested()
  @TransformTo(() => OwnerDto)
  owner?: OwnerDto;
}

@Injectable()
class GreetingService {
  private readonly logger = new Logger(GreetingService.name);

  describe(id: string): { id: string } {
    this.logger.log({ serviceId: id }, 'Describing service');
    return { id };
  }
}

@ApiTags('services')
@Controller('api/v1/services')
class ServicesController {
  constructor(private readonly greetings: GreetingService) {}

  @Get(':id/dependencies')
  @ApiProblemResponse(404, 'No service has this id.')
  dependencies(@Param('id') id: string): { id: string } {
    if (id === 'missing') {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `Service '${id}' is not registered.`,
      );
    }
    if (id === 'conflicting') {
      throw new DomainError(DomainErrorCodes.INVALID_INPUT, 'The edges break a rule.', {
        fieldErrors: [{ field: 'edges[0].target', message: 'target is the source itself' }],
      });
    }
    if (id === 'unmapped') throw new DomainError('GRAPH.NOT_IN_THE_TABLE', 'Nobody mapped me.');
    if (id === 'busy') {
      throw new DomainError('TELEMETRY.UNAVAILABLE', 'The metric store is down.', {
        retryAfterSeconds: 12.3,
      });
    }
    if (id === 'crash') throw new Error('connect ECONNREFUSED postgres://admin:secret@db');
    return this.greetings.describe(id);
  }

  @Post('dependencies')
  @HttpCode(202)
  ingest(@Body() body: IngestDto): { edges: number; firstIsEdgeDto: boolean } {
    return { edges: body.edges.length, firstIsEdgeDto: body.edges[0] instanceof EdgeDto };
  }
}

export const TEST_STATUS_BY_CODE = {
  [DomainErrorCodes.SERVICE_NOT_FOUND]: 404,
  [DomainErrorCodes.INVALID_INPUT]: 400,
  'TELEMETRY.UNAVAILABLE': 503,
};

export interface TestAppOptions {
  readonly logDestination?: DestinationStream;
  readonly metricsEnabled?: boolean;
  readonly readinessChecks?: readonly Type<ReadinessCheck>[];
  readonly readinessTimeoutMs?: number;
  readonly bodyLimitBytes?: number;
  readonly generateRequestId?: () => string;
  /** PEM files: serve HTTPS (TLS_CERT_FILE / TLS_KEY_FILE). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** A small app wired exactly as the real apps are, ready for `app.inject()` (no port). */
export async function createTestApp(options: TestAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = createLogger({
    level: 'info',
    serviceName: 'platform-test',
    destination: options.logDestination ?? { write: () => undefined },
  });

  @Module({
    imports: [
      LoggingModule.forRoot({ logger }),
      MetricsModule.forRoot({ enabled: options.metricsEnabled ?? true, defaultMetrics: false }),
      HealthModule.forRoot({
        prefix: '/api/v1',
        checks: options.readinessChecks ?? [],
        ...(options.readinessTimeoutMs === undefined
          ? {}
          : { timeoutMs: options.readinessTimeoutMs }),
      }),
    ],
    controllers: [ServicesController],
    providers: [GreetingService],
  })
  class TestAppModule {}

  const app = await createFastifyApp(TestAppModule, {
    config: {
      BODY_LIMIT_BYTES: options.bodyLimitBytes ?? 10 * 1024 * 1024,
      ...(options.tls
        ? { TLS_CERT_FILE: options.tls.certFile, TLS_KEY_FILE: options.tls.keyFile }
        : {}),
    },
    statusByCode: TEST_STATUS_BY_CODE,
    ...(options.generateRequestId ? { generateRequestId: options.generateRequestId } : {}),
  });
  return app;
}

/** Collects pino's JSON lines. */
export function captureLogs(): {
  destination: DestinationStream;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    destination: {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  };
}

export async function ready(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
