import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  GetCoverageUseCase,
  GetErrorBudgetHealthUseCase,
  GetRecommendationQualityUseCase,
  RECOMMENDATION_QUALITY_WINDOW_DAYS,
  RefreshDashboardUseCase,
} from '@slo-engine/core';
import { Access, ApiProblemResponse } from '@slo-engine/platform';
import { DashboardTeamQueryDto, ErrorBudgetHealthQueryDto } from './dto/dashboard-queries.dto';
import {
  CoverageDto,
  DashboardRefreshDto,
  ErrorBudgetHealthDto,
  RecommendationQualityDto,
} from './dto/dashboard-responses.dto';
import {
  presentCoverage,
  presentErrorBudgetHealth,
  presentRecommendationQuality,
} from './dashboard.presenter';

const COUNTED =
  'Counts declared internal services: discovered placeholders and external services are left out; services without a team are grouped as `unassigned`.';
const PRECOMPUTED =
  'Served from figures precomputed hourly (`refreshed_at` says when); `POST /api/v1/dashboard/refresh` recomputes them on demand.';

/** FR-12: the organisational dashboard. Reads for every role; the on-demand refresh for sre_admin. */
@ApiTags('dashboard')
@Controller('api/v1/dashboard')
export class DashboardController {
  constructor(
    private readonly getCoverage: GetCoverageUseCase,
    private readonly getErrorBudgetHealth: GetErrorBudgetHealthUseCase,
    private readonly getRecommendationQuality: GetRecommendationQualityUseCase,
    private readonly refreshDashboard: RefreshDashboardUseCase,
  ) {}

  @Get('coverage')
  @Access({ role: 'viewer', ratePerMinute: 30 })
  @ApiOperation({
    summary: 'SLO coverage by team and criticality',
    description: `Services, those with an active SLO, those with a recommendation awaiting a decision, and the coverage ratio, in total, per criticality and per team. ${COUNTED} ${PRECOMPUTED}`,
  })
  @ApiResponse({ status: 200, type: CoverageDto })
  @ApiProblemResponse(400, 'team is malformed, or the query has an unknown parameter.')
  async coverage(@Query() query: DashboardTeamQueryDto): Promise<CoverageDto> {
    return presentCoverage(await this.getCoverage.execute({ team: query.team }));
  }

  @Get('error-budget-health')
  @Access({ role: 'viewer', ratePerMinute: 30 })
  @ApiOperation({
    summary: 'Error-budget consumption distribution',
    description: `For services with an active availability SLO and a 28-day availability aggregate: budget consumed = (1 − observed) / (1 − target) over the 28 days, bucketed (under 25%, 25–50%, 50–75%, 75–100%, exhausted) in total and per team, and the most consumed services. ${COUNTED} ${PRECOMPUTED}`,
  })
  @ApiResponse({ status: 200, type: ErrorBudgetHealthDto })
  @ApiProblemResponse(
    400,
    'team or top (1–100) is malformed, or the query has an unknown parameter.',
  )
  async errorBudgetHealth(
    @Query() query: ErrorBudgetHealthQueryDto,
  ): Promise<ErrorBudgetHealthDto> {
    return presentErrorBudgetHealth(
      await this.getErrorBudgetHealth.execute({ team: query.team, top: query.top }),
    );
  }

  @Get('recommendation-quality')
  @Access({ role: 'viewer', ratePerMinute: 30 })
  @ApiOperation({
    summary: 'Recommendation acceptance and SLO breach rates',
    description: `Decisions of the last ${RECOMMENDATION_QUALITY_WINDOW_DAYS} days (accept, modify, reject, auto_approve) with the acceptance rate ((accept + modify + auto_approve) / decisions) and the modification rate; and, over the active SLOs, the share whose last 28 days miss the availability target or exceed the p99 latency target. In total, per criticality and per team. ${COUNTED} ${PRECOMPUTED}`,
  })
  @ApiResponse({ status: 200, type: RecommendationQualityDto })
  @ApiProblemResponse(400, 'team is malformed, or the query has an unknown parameter.')
  async recommendationQuality(
    @Query() query: DashboardTeamQueryDto,
  ): Promise<RecommendationQualityDto> {
    return presentRecommendationQuality(
      await this.getRecommendationQuality.execute({ team: query.team }),
    );
  }

  @Post('refresh')
  @HttpCode(200)
  @Access({ role: 'sre_admin', ratePerMinute: 6 })
  @ApiOperation({
    summary: 'Recompute the dashboard now',
    description:
      'Refreshes every dashboard figure at once (readers keep the previous figures until it completes) and answers the new `refreshed_at`.',
  })
  @ApiResponse({ status: 200, type: DashboardRefreshDto })
  async refresh(): Promise<DashboardRefreshDto> {
    const { refreshedAt } = await this.refreshDashboard.execute();
    return { refreshed_at: refreshedAt.toISOString() };
  }
}
