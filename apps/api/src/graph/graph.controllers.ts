import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  GetDependencySubgraphUseCase,
  GetIngestionUseCase,
  ListCycleAlertsUseCase,
  ListServicesUseCase,
  SubmitIngestionUseCase,
  UpdateCycleAlertUseCase,
  type EdgeAttributes,
  type ServiceMetadata,
  type SubmitIngestionInput,
} from '@slo-engine/core';
import { Access, ApiProblemResponse, CurrentPrincipal, type Principal } from '@slo-engine/platform';
import {
  DependencyQueryDto,
  ListCyclesQueryDto,
  ListServicesQueryDto,
  UpdateCycleAlertDto,
} from './dto/queries.dto';
import {
  CycleAlertDto,
  CycleAlertPageDto,
  DependencySubgraphDto,
  IngestionDto,
  ServicePageDto,
  SubmitGraphAcceptedDto,
} from './dto/responses.dto';
import { CORE_METADATA_KEY_BY_WIRE, renameMetadataKeys } from './metadata-keys';
import { SubgraphJsonWriter } from './subgraph-json';
import { SubmitGraphPipe } from './submit-graph.pipe';
import { SUBMIT_GRAPH_SCHEMA, type SubmitGraphBody } from './submit-graph.schema';
import { presentCycleAlert, presentIngestion, presentService } from './graph.presenters';

const API = 'api/v1';

/** Wire metadata (snake_case) → core (camelCase); the schema already checked the values. */
function toCoreMetadata(metadata: Record<string, unknown> | undefined): ServiceMetadata {
  return metadata ? renameMetadataKeys(metadata, CORE_METADATA_KEY_BY_WIRE) : {};
}

/** Wire attributes → core; written as plain assignments because it runs once per edge (50,000+). */
function toCoreAttributes(edge: SubmitGraphBody['edges'][number]): Partial<EdgeAttributes> {
  const a = edge.attributes;
  const out: { -readonly [K in keyof EdgeAttributes]?: EdgeAttributes[K] } = {};
  if (!a) return out;
  if (a.communication_mode !== undefined) out.communicationMode = a.communication_mode;
  if (a.criticality !== undefined) out.criticality = a.criticality;
  if (a.protocol !== undefined) out.protocol = a.protocol;
  if (a.timeout_ms !== undefined) out.timeoutMs = a.timeout_ms;
  if (a.redundancy_group !== undefined) out.redundancyGroup = a.redundancy_group;
  const retry = a.retry_config;
  if (retry !== undefined) {
    const retryConfig: { maxRetries?: number; backoffStrategy?: string } = {};
    if (retry.max_retries !== undefined) retryConfig.maxRetries = retry.max_retries;
    if (retry.backoff_strategy !== undefined) retryConfig.backoffStrategy = retry.backoff_strategy;
    out.retryConfig = retryConfig;
  }
  return out;
}

export function toSubmission(body: SubmitGraphBody): SubmitIngestionInput {
  return {
    source: body.source,
    ...(body.timestamp ? { observedAt: new Date(body.timestamp) } : {}),
    nodes: body.nodes.map((n) => ({
      serviceId: n.service_id,
      metadata: toCoreMetadata(n.metadata),
    })),
    edges: body.edges.map((e) =>
      e.confidence_score === undefined
        ? { source: e.source, target: e.target, attributes: toCoreAttributes(e) }
        : {
            source: e.source,
            target: e.target,
            attributes: toCoreAttributes(e),
            confidenceScore: e.confidence_score,
          },
    ),
  };
}

@ApiTags('dependency graph')
@Controller(API)
export class IngestionController {
  constructor(
    private readonly submitIngestion: SubmitIngestionUseCase,
    private readonly getIngestion: GetIngestionUseCase,
  ) {}

  // sre_admin: a submission sets services' teams, so a service owner could claim another team's
  // service and pass its ownership checks.
  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @Post('services/dependencies')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a dependency graph (bulk upsert, processed asynchronously)',
    description:
      'Merges the nodes and edges with what other sources reported. Unknown edge endpoints become placeholder services. Poll `status_url` for the result: detected cycles, attribute conflicts, placeholders and divergences. Maximum body 10 MB.',
  })
  @ApiBody({ schema: SUBMIT_GRAPH_SCHEMA as unknown as Record<string, unknown> })
  @ApiResponse({ status: 202, type: SubmitGraphAcceptedDto })
  @ApiProblemResponse(400, 'A field is malformed; `errors[]` names each one. Nothing is stored.')
  @ApiProblemResponse(413, 'The body is larger than the limit (10 MB by default).')
  async submit(@Body(SubmitGraphPipe) body: SubmitGraphBody): Promise<SubmitGraphAcceptedDto> {
    const accepted = await this.submitIngestion.execute(toSubmission(body));
    return {
      ingestion_id: accepted.ingestionId,
      status: accepted.status,
      nodes_received: accepted.nodesReceived,
      edges_received: accepted.edgesReceived,
      estimated_completion_seconds: accepted.estimatedCompletionSeconds,
      status_url: `/${API}/ingestions/${accepted.ingestionId}`,
    };
  }

  @Access({ role: 'viewer', ratePerMinute: 60 })
  @Get('ingestions/:id')
  @ApiOperation({ summary: 'Progress and result of an ingestion' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: IngestionDto })
  @ApiProblemResponse(404, 'No ingestion has this id.')
  async find(@Param('id') id: string): Promise<IngestionDto> {
    return presentIngestion(await this.getIngestion.execute({ ingestionId: id }));
  }
}

@ApiTags('dependency graph')
@Controller(`${API}/services`)
export class ServicesController {
  constructor(
    private readonly listServices: ListServicesUseCase,
    private readonly getSubgraph: GetDependencySubgraphUseCase,
    private readonly subgraphJson: SubgraphJsonWriter,
  ) {}

  @Access({ role: 'viewer', ratePerMinute: 30 })
  @Get()
  @ApiOperation({ summary: 'List services (cursor pagination, filters)' })
  @ApiResponse({ status: 200, type: ServicePageDto })
  @ApiProblemResponse(400, 'A filter or the cursor is malformed.')
  async list(@Query() query: ListServicesQueryDto): Promise<ServicePageDto> {
    const page = await this.listServices.execute({
      ...(query.team !== undefined ? { team: query.team } : {}),
      ...(query.criticality !== undefined ? { criticality: query.criticality } : {}),
      ...(query.discovered !== undefined ? { discovered: query.discovered } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return { items: page.items.map(presentService), next_cursor: page.nextCursor };
  }

  @Access({ role: 'viewer', ratePerMinute: 60 })
  @Get(':serviceId/dependencies')
  @ApiOperation({
    summary: 'Dependency subgraph of a service',
    description:
      'Walks downstream (what the service calls), upstream (who calls it) or both, up to `depth` hops. Edges carry their merged attributes, sources and confidence; `truncated` says a larger depth would return more; services in a circular dependency carry its `cycle_id`.',
  })
  @ApiParam({ name: 'serviceId', example: 'checkout-service' })
  @ApiResponse({ status: 200, type: DependencySubgraphDto })
  @ApiProblemResponse(
    400,
    'direction, depth (1–10), max_nodes (1–5000) or include_external is malformed.',
  )
  @ApiProblemResponse(404, 'No service has this id.')
  // The body is written as JSON text by SubgraphJsonWriter (the hot path of the API).
  @Header('Content-Type', 'application/json; charset=utf-8')
  async dependencies(
    @Param('serviceId') serviceId: string,
    @Query() query: DependencyQueryDto,
  ): Promise<string> {
    const subgraph = await this.getSubgraph.execute({
      serviceId,
      ...(query.direction !== undefined ? { direction: query.direction } : {}),
      ...(query.depth !== undefined ? { depth: query.depth } : {}),
      ...(query.include_external !== undefined ? { includeExternal: query.include_external } : {}),
      ...(query.max_nodes !== undefined ? { maxNodes: query.max_nodes } : {}),
    });
    return this.subgraphJson.write(subgraph);
  }
}

@ApiTags('dependency graph')
@Controller(`${API}/graph/cycles`)
export class CyclesController {
  constructor(
    private readonly listAlerts: ListCycleAlertsUseCase,
    private readonly updateAlert: UpdateCycleAlertUseCase,
  ) {}

  @Access({ role: 'viewer', ratePerMinute: 60 })
  @Get()
  @ApiOperation({ summary: 'Circular-dependency alerts' })
  @ApiResponse({ status: 200, type: CycleAlertPageDto })
  @ApiProblemResponse(400, 'status, cursor or limit is malformed.')
  async list(@Query() query: ListCyclesQueryDto): Promise<CycleAlertPageDto> {
    const page = await this.listAlerts.execute({
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return { items: page.items.map(presentCycleAlert), next_cursor: page.nextCursor };
  }

  @Access({ role: 'service_owner', ratePerMinute: 30 })
  @Patch(':id')
  @ApiOperation({
    summary: 'Acknowledge or resolve a circular-dependency alert',
    description:
      'open → acknowledged → resolved, or open → resolved. A resolved alert is final. `acknowledged_by` is the authenticated caller (the body cannot name someone else).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, type: CycleAlertDto })
  @ApiProblemResponse(404, 'No alert has this id.')
  @ApiProblemResponse(409, 'The alert cannot move to that status.')
  async update(
    @Param('id') id: string,
    @Body() body: UpdateCycleAlertDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CycleAlertDto> {
    const alert = await this.updateAlert.execute({
      id,
      status: body.status,
      // Who acted is the authenticated caller, never a name the body claims.
      actor: principal.actor,
      notes: body.resolution_notes ?? null,
    });
    return presentCycleAlert(alert);
  }
}
