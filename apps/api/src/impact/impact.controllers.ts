import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AnalyseImpactUseCase, ExportSloAlertsUseCase } from '@slo-engine/core';
import { Access, ApiProblemResponse } from '@slo-engine/platform';
import { ImpactAnalysisRequestDto } from './dto/impact-analysis-request.dto';
import { ImpactAnalysisResponseDto } from './dto/impact-analysis-response.dto';
import { SloAlertsQueryDto } from './dto/slo-alerts-query.dto';
import { presentImpactAnalysis } from './impact.presenter';

const API = 'api/v1';

/**
 * `application/yaml` (RFC 9512) for both formats: a Prometheus rule file and OpenSLO documents
 * are YAML, and the registered type lets clients and proxies treat them as text.
 */
export const SLO_ALERTS_CONTENT_TYPE = 'application/yaml; charset=utf-8';

@ApiTags('slos')
@Controller(API)
export class ImpactAnalysisController {
  constructor(private readonly analyseImpact: AnalyseImpactUseCase) {}

  @Post('slos/impact-analysis')
  @HttpCode(200)
  @Access({ role: 'viewer', ratePerMinute: 10 })
  @ApiOperation({
    summary: 'Impact of a proposed availability target on every upstream service (FR-4)',
    description:
      "Reverse traversal over hard dependencies to every service whose composite availability depends on `service_id`; each one's composite is recomputed with the proposed target (serial hard edges, redundancy groups in parallel, soft and degraded edges left out, circular groups as one supernode at their weakest member) and compared with its active SLO: `slo_at_risk` is true when the projection falls below the target, null without an active SLO. Other services are planned at their observed 28-day availability (read at most 60 s earlier; published SLA less 0.1%, else the archetype's baseline, when never observed). External services are not listed. Sorted by |delta|, largest first. When the changed service is in a circular group, `cycle_note` says so once for the whole answer; a row's own `cycle_note` is set only when that service is in another circular group. Nothing is stored.",
  })
  @ApiResponse({ status: 200, type: ImpactAnalysisResponseDto, description: 'The analysis.' })
  @ApiProblemResponse(
    400,
    'A field is missing, unknown or out of range (targets are percentages strictly between 0 and 100), or `proposed_change.sli_type` is not `availability` (latency does not compose); `errors[]` names each field.',
  )
  @ApiProblemResponse(404, 'No service has this id.')
  async analyse(@Body() body: ImpactAnalysisRequestDto): Promise<ImpactAnalysisResponseDto> {
    const change = body.proposed_change;
    const report = await this.analyseImpact.execute({
      serviceId: body.service_id,
      proposedChange: {
        sliType: change.sli_type,
        proposedTarget: change.proposed_target,
        ...(change.current_target !== undefined ? { currentTarget: change.current_target } : {}),
      },
    });
    return presentImpactAnalysis(report);
  }
}

@ApiTags('slos')
@Controller(API)
export class SloAlertsController {
  constructor(private readonly exportAlerts: ExportSloAlertsUseCase) {}

  @Get('services/:serviceId/slos/alerts')
  @Access({ role: 'viewer', ratePerMinute: 60 })
  @Header('Content-Type', SLO_ALERTS_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Burn-rate alert rules for the active SLO of a service (FR-10)',
    description:
      "`format=prometheus` (default): a Prometheus rule file per objective the SLO sets (availability; latency p95/p99/p99.9 as the share of requests within the threshold), in Sloth's naming — SLI recording rules `slo:sli_error:ratio_rate<window>` over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the 30-day period, meta series, and the SRE workbook's multi-window multi-burn-rate alerts `<Service><Objective>SLOPageBurnRate` (14.4× over 1h and 5m, 6× over 6h and 30m) and `…TicketBurnRate` (3× over 1d and 2h, 1× over 3d and 6h). The queries read the same request counter and latency histogram as the recommendations. `format=openslo`: OpenSLO v1 SLI and SLO documents. Both are YAML (`application/yaml`).",
  })
  @ApiParam({ name: 'serviceId', example: 'checkout-service' })
  @ApiProduces('application/yaml')
  @ApiResponse({
    status: 200,
    description: 'The rule file or the OpenSLO documents, as YAML text.',
    content: { 'application/yaml': { schema: { type: 'string' } } },
  })
  @ApiProblemResponse(400, '`format` is not `prometheus` or `openslo`.')
  @ApiProblemResponse(
    404,
    'No service has this id (GRAPH.SERVICE_NOT_FOUND), or it has no active SLO (SLO.NOT_FOUND).',
  )
  async alerts(
    @Param('serviceId') serviceId: string,
    @Query() query: SloAlertsQueryDto,
  ): Promise<string> {
    const exported = await this.exportAlerts.execute({
      serviceId,
      ...(query.format !== undefined ? { format: query.format } : {}),
    });
    return exported.yaml;
  }
}
