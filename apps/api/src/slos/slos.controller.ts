import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  DecideRecommendationUseCase,
  GetActiveSloUseCase,
  GetSloHistoryUseCase,
  VerifyAuditChainUseCase,
} from '@slo-engine/core';
import { Access, ApiProblemResponse, CurrentPrincipal, type Principal } from '@slo-engine/platform';
import { DecideSloDto, SloHistoryQueryDto } from './dto/decide-slo.dto';
import {
  ActiveSloDto,
  AuditEntryPageDto,
  AuditVerificationDto,
  SloDecisionDto,
  SloRejectionDto,
} from './dto/slo-response.dto';
import {
  presentActiveSlo,
  presentAuditEntry,
  presentDecision,
  presentRejection,
  presentVerification,
} from './slos.presenter';

/** The part of Fastify's reply this controller uses (201 or 200 depends on the action). */
interface StatusReply {
  status(code: number): { send(body: unknown): unknown };
}

@ApiTags('slo lifecycle')
@ApiExtraModels(SloDecisionDto, SloRejectionDto)
@Controller('api/v1/services')
export class SlosController {
  constructor(
    private readonly decide: DecideRecommendationUseCase,
    private readonly getActiveSlo: GetActiveSloUseCase,
    private readonly getHistory: GetSloHistoryUseCase,
  ) {}

  @Access({ role: 'service_owner', ownedService: 'serviceId', userOnly: true, ratePerMinute: 30 })
  @Post(':serviceId/slos')
  @ApiOperation({
    summary: 'Accept, modify or reject a recommendation',
    description:
      "`accept` makes the selected tier's target (for the recommendation's SLI type) the service's SLO, keeping the other SLI type's targets; `modify` does the same with `modifications` on top and reports `modification_delta`; `reject` records the rationale and leaves the active SLO. The recommendation must be current (active, not expired): deciding twice, or on a superseded or expired one, is 409. A modified availability target above the composite bound of the hard dependencies is accepted with a warning, recorded in the audit entry too. Every decision appends to the tamper-evident audit log, with the authenticated user as the actor: the body has no `actor` field (one sent is refused as an unknown field, 400). Accept and modify answer 201 with the SLO now active; reject answers 200.",
  })
  @ApiParam({ name: 'serviceId', example: 'checkout-service' })
  @ApiResponse({
    status: 201,
    type: SloDecisionDto,
    description: 'Accepted or modified: the SLO now active.',
  })
  @ApiResponse({ status: 200, type: SloRejectionDto, description: 'Rejected.' })
  @ApiProblemResponse(
    400,
    'Invalid body: unknown field (actor included), selected_tier missing for accept/modify, modifications missing for modify or given otherwise, a target out of range, rationale too long.',
  )
  @ApiProblemResponse(404, 'No service has this id, or it has no recommendation with this id.')
  @ApiProblemResponse(
    409,
    'The recommendation is no longer current (already accepted or rejected, superseded or expired); the detail says which.',
  )
  async decideOnRecommendation(
    @Param('serviceId') serviceId: string,
    @Body() body: DecideSloDto,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: StatusReply,
  ): Promise<void> {
    const decision = await this.decide.execute({
      serviceId,
      recommendationId: body.recommendation_id,
      action: body.action,
      ...(body.selected_tier !== undefined ? { selectedTier: body.selected_tier } : {}),
      ...(body.modifications !== undefined
        ? {
            modifications: {
              ...(body.modifications.availability_target !== undefined
                ? { availabilityTarget: body.modifications.availability_target }
                : {}),
              ...(body.modifications.latency_p95_target_ms !== undefined
                ? { latencyP95TargetMs: body.modifications.latency_p95_target_ms }
                : {}),
              ...(body.modifications.latency_p99_target_ms !== undefined
                ? { latencyP99TargetMs: body.modifications.latency_p99_target_ms }
                : {}),
            },
          }
        : {}),
      ...(body.rationale !== undefined ? { rationale: body.rationale } : {}),
      actor: principal.actor,
    });
    if (decision.action === 'reject' || decision.activeSlo === null) {
      reply.status(HttpStatus.OK).send(presentRejection(decision));
      return;
    }
    reply.status(HttpStatus.CREATED).send(presentDecision(decision, decision.activeSlo));
  }

  @Access({ role: 'viewer', ratePerMinute: 120 })
  @Get(':serviceId/slos')
  @ApiOperation({ summary: 'The active SLO of a service' })
  @ApiParam({ name: 'serviceId', example: 'checkout-service' })
  @ApiResponse({ status: 200, type: ActiveSloDto })
  @ApiProblemResponse(
    404,
    'No service has this id (GRAPH.SERVICE_NOT_FOUND), or it has no active SLO (SLO.NOT_FOUND).',
  )
  async activeSlo(@Param('serviceId') serviceId: string): Promise<ActiveSloDto> {
    return presentActiveSlo(await this.getActiveSlo.execute({ serviceId }));
  }

  @Access({ role: 'viewer', userOnly: true, ratePerMinute: 30 })
  @Get(':serviceId/slo-history')
  @ApiOperation({
    summary: 'Audit history of a service’s SLO decisions, newest first',
    description:
      'Entries of the append-only audit log with their chain hashes (`hash`, `prev_hash`); cursor-paginated.',
  })
  @ApiParam({ name: 'serviceId', example: 'checkout-service' })
  @ApiResponse({ status: 200, type: AuditEntryPageDto })
  @ApiProblemResponse(400, 'cursor or limit is malformed.')
  @ApiProblemResponse(404, 'No service has this id.')
  async history(
    @Param('serviceId') serviceId: string,
    @Query() query: SloHistoryQueryDto,
  ): Promise<AuditEntryPageDto> {
    const page = await this.getHistory.execute({
      serviceId,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return { items: page.items.map(presentAuditEntry), next_cursor: page.nextCursor };
  }
}

@ApiTags('slo lifecycle')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly verifyChain: VerifyAuditChainUseCase) {}

  @Access({ role: 'sre_admin', ratePerMinute: 6 })
  @Get('verify')
  @ApiOperation({
    summary: 'Verify the hash chain of the SLO audit log',
    description:
      'Walks the whole chain in order and reports the first broken link: a row whose content no longer gives its hash (`hash_mismatch`), a row not linked to its predecessor (`prev_hash_mismatch`) or a missing row (`sequence_gap`). `head_hash` is worth recording outside the database: a rewrite of the whole chain can only be detected against it.',
  })
  @ApiResponse({ status: 200, type: AuditVerificationDto })
  async verify(): Promise<AuditVerificationDto> {
    return presentVerification(await this.verifyChain.execute());
  }
}
