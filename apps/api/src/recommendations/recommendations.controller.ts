import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GetSloRecommendationsUseCase } from '@slo-engine/core';
import { Access, ApiProblemResponse, MetricsRegistry } from '@slo-engine/platform';
import { RecommendationQueryDto } from './dto/recommendation-query.dto';
import {
  AvailabilityRecommendationDto,
  LatencyRecommendationDto,
  SloRecommendationsDto,
} from './dto/recommendation-response.dto';
import { presentRecommendations } from './recommendations.presenter';

@ApiTags('recommendations')
@ApiExtraModels(AvailabilityRecommendationDto, LatencyRecommendationDto)
@Controller('api/v1/services')
export class RecommendationsController {
  private readonly answered: ReturnType<MetricsRegistry['counter']>;

  constructor(
    private readonly getRecommendations: GetSloRecommendationsUseCase,
    metrics: MetricsRegistry,
  ) {
    this.answered = metrics.counter({
      name: 'slo_engine_recommendations_generated_total',
      help: 'SLO recommendation answers by SLI type and source (generated, cache, stale).',
      labelNames: ['sli_type', 'source'],
    });
  }

  @Access({
    role: 'viewer',
    ratePerMinute: 60,
    // Regenerating writes: it supersedes the stored answer (and a pending decision on it) and
    // runs auto-approval, so only the owning team or an sre_admin may force it.
    whenQuery: {
      param: 'force_regenerate',
      equals: 'true',
      rule: { role: 'service_owner', ownedService: 'serviceId' },
    },
  })
  @Get(':serviceId/slo-recommendations')
  @ApiOperation({
    summary: 'SLO recommendations of a service (three tiers, with explanations)',
    description:
      "Availability tiers from rolling daily availability, Balanced capped by the composite bound of the hard downstream dependencies (redundancy groups in parallel, soft dependencies excluded, cycles as supernodes); latency tiers from the service's request-duration histogram plus a 5–10% noise margin. Each recommendation carries exact Shapley attributions, counterfactuals, dependency impact and provenance. Stored answers are served for 24 h unless the dependency closure changed or `force_regenerate=true`; when telemetry is unavailable the stored answer is served with `stale: true`.",
  })
  @ApiParam({ name: 'serviceId', example: 'checkout-service' })
  @ApiResponse({ status: 200, type: SloRecommendationsDto })
  @ApiProblemResponse(400, 'sli_type, lookback_days (7–365) or force_regenerate is malformed.')
  @ApiProblemResponse(404, 'No service has this id.')
  @ApiProblemResponse(
    503,
    'Telemetry is unavailable and nothing is stored for this service yet; see Retry-After.',
  )
  async recommendations(
    @Param('serviceId') serviceId: string,
    @Query() query: RecommendationQueryDto,
  ): Promise<SloRecommendationsDto> {
    const answer = await this.getRecommendations.execute({
      serviceId,
      ...(query.sli_type !== undefined ? { sliType: query.sli_type } : {}),
      ...(query.lookback_days !== undefined ? { lookbackDays: query.lookback_days } : {}),
      ...(query.force_regenerate !== undefined ? { forceRegenerate: query.force_regenerate } : {}),
    });
    for (const recommendation of answer.recommendations) {
      this.answered.inc({ sli_type: recommendation.sliType, source: answer.source });
    }
    return presentRecommendations(answer);
  }
}
