import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  type AutoApprovalConditionsInput,
  CreateAutoApprovalRuleUseCase,
  DeleteAutoApprovalRuleUseCase,
  DryRunAutoApprovalRuleUseCase,
  GetAutoApprovalRuleUseCase,
  ListAutoApprovalRulesUseCase,
  UpdateAutoApprovalRuleUseCase,
} from '@slo-engine/core';
import { Access, ApiProblemResponse, CurrentPrincipal, type Principal } from '@slo-engine/platform';
import {
  type AutoApprovalConditionsDto,
  CreateAutoApprovalRuleDto,
  DryRunAutoApprovalRuleDto,
  UpdateAutoApprovalRuleDto,
} from './dto/auto-approval-rule-request.dto';
import {
  AutoApprovalRuleListDto,
  AutoApprovalRuleResponseDto,
  DryRunResultDto,
} from './dto/auto-approval-rule-response.dto';
import { presentDryRun, presentRule } from './auto-approval.presenter';

const RULES = 'api/v1/auto-approval-rules';

const POLICY =
  "A newly generated recommendation (GET slo-recommendations that generates, not one served from the store) is checked against the enabled rules; the first matching rule by name (code-unit order) accepts it at its tier through the SLO lifecycle, audited with `action: auto_approve`, actor `system:auto-approval:<name>` and a rationale naming the rule and the values that met its conditions. A rule never overrides an SLO a person set: when the service's active SLO was activated by anyone but the engine (a user or an API key), the recommendation waits for a human. A target the active SLO already holds is not accepted again. A failed auto-approval (e.g. the recommendation stopped being current) is logged and never fails the request that generated the recommendation.";

const CONDITIONS_400 =
  'A field is missing, of the wrong type, unknown or out of range (criticality values, `confidence_min` 0–1, tier, team names, SLI types, no repeats, the name syntax); `errors[]` names each field. Nothing is stored.';

function conditionsOf(dto: AutoApprovalConditionsDto): AutoApprovalConditionsInput {
  // Value checks are the use case's; the DTO has only checked types and presence.
  return {
    criticality: dto.criticality as AutoApprovalConditionsInput['criticality'],
    confidenceMin: dto.confidence_min,
    tier: dto.tier as AutoApprovalConditionsInput['tier'],
    ...(dto.teams !== undefined ? { teams: dto.teams } : {}),
    ...(dto.sli_types !== undefined
      ? { sliTypes: dto.sli_types as AutoApprovalConditionsInput['sliTypes'] }
      : {}),
  };
}

@ApiTags('auto-approval')
@Controller(RULES)
export class AutoApprovalRulesController {
  constructor(
    private readonly createRule: CreateAutoApprovalRuleUseCase,
    private readonly listRules: ListAutoApprovalRulesUseCase,
    private readonly getRule: GetAutoApprovalRuleUseCase,
    private readonly updateRule: UpdateAutoApprovalRuleUseCase,
    private readonly deleteRule: DeleteAutoApprovalRuleUseCase,
    private readonly dryRunRule: DryRunAutoApprovalRuleUseCase,
  ) {}

  @Post()
  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @ApiOperation({
    summary: 'Create an auto-approval rule (FR-11); disabled unless `enabled: true`',
    description: POLICY,
  })
  @ApiResponse({ status: 201, type: AutoApprovalRuleResponseDto })
  @ApiProblemResponse(400, CONDITIONS_400)
  @ApiProblemResponse(409, 'Another rule has this name (AUTO_APPROVAL.NAME_TAKEN).')
  async create(
    @Body() body: CreateAutoApprovalRuleDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AutoApprovalRuleResponseDto> {
    const rule = await this.createRule.execute({
      name: body.name,
      conditions: conditionsOf(body.conditions),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      actor: principal.actor,
    });
    return presentRule(rule);
  }

  @Get()
  @Access({ role: 'sre_admin', ratePerMinute: 30 })
  @ApiOperation({ summary: 'Every auto-approval rule, by name (the order they apply in)' })
  @ApiResponse({ status: 200, type: AutoApprovalRuleListDto })
  async list(): Promise<AutoApprovalRuleListDto> {
    return { items: (await this.listRules.execute()).map(presentRule) };
  }

  @Post('dry-run')
  @HttpCode(200)
  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @ApiOperation({
    summary: 'What an unsaved rule would approve now, without storing or deciding anything',
    description:
      "Evaluates the rule body against every service's current (active, unexpired) recommendations with the live path's conditions and hold policy. Other rules are not considered.",
  })
  @ApiResponse({ status: 200, type: DryRunResultDto })
  @ApiProblemResponse(400, CONDITIONS_400)
  async dryRunBody(@Body() body: DryRunAutoApprovalRuleDto): Promise<DryRunResultDto> {
    const result = await this.dryRunRule.execute({
      rule: {
        ...(body.name !== undefined ? { name: body.name } : {}),
        conditions: conditionsOf(body.conditions),
      },
    });
    return presentDryRun(result);
  }

  @Get(':ruleId')
  @Access({ role: 'sre_admin', ratePerMinute: 60 })
  @ApiOperation({ summary: 'One auto-approval rule' })
  @ApiParam({ name: 'ruleId', format: 'uuid' })
  @ApiResponse({ status: 200, type: AutoApprovalRuleResponseDto })
  @ApiProblemResponse(404, 'No rule has this id (AUTO_APPROVAL.RULE_NOT_FOUND).')
  async get(@Param('ruleId') ruleId: string): Promise<AutoApprovalRuleResponseDto> {
    return presentRule(await this.getRule.execute({ id: ruleId }));
  }

  @Patch(':ruleId')
  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @ApiOperation({
    summary: 'Rename a rule, replace its conditions, enable or disable it',
    description: `At least one of name, conditions, enabled. ${POLICY}`,
  })
  @ApiParam({ name: 'ruleId', format: 'uuid' })
  @ApiResponse({ status: 200, type: AutoApprovalRuleResponseDto })
  @ApiProblemResponse(400, `${CONDITIONS_400} An empty change is refused too (field \`body\`).`)
  @ApiProblemResponse(404, 'No rule has this id (AUTO_APPROVAL.RULE_NOT_FOUND).')
  @ApiProblemResponse(409, 'Another rule has the new name (AUTO_APPROVAL.NAME_TAKEN).')
  async update(
    @Param('ruleId') ruleId: string,
    @Body() body: UpdateAutoApprovalRuleDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AutoApprovalRuleResponseDto> {
    const rule = await this.updateRule.execute({
      id: ruleId,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.conditions !== undefined ? { conditions: conditionsOf(body.conditions) } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      actor: principal.actor,
    });
    return presentRule(rule);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @ApiOperation({
    summary: 'Delete a rule',
    description:
      "Past decisions stay in the audit log under the rule's actor `system:auto-approval:<name>`.",
  })
  @ApiParam({ name: 'ruleId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiProblemResponse(404, 'No rule has this id (AUTO_APPROVAL.RULE_NOT_FOUND).')
  async delete(@Param('ruleId') ruleId: string): Promise<void> {
    await this.deleteRule.execute({ id: ruleId });
  }

  @Post(':ruleId/dry-run')
  @HttpCode(200)
  @Access({ role: 'sre_admin', ratePerMinute: 10 })
  @ApiOperation({
    summary: 'What a stored rule would approve now (enabled or not), without deciding anything',
    description:
      "Evaluates the rule against every service's current (active, unexpired) recommendations with the live path's conditions and hold policy (matches a human-set or already-active SLO would hold back are listed under `held`). Other rules are not considered.",
  })
  @ApiParam({ name: 'ruleId', format: 'uuid' })
  @ApiResponse({ status: 200, type: DryRunResultDto })
  @ApiProblemResponse(404, 'No rule has this id (AUTO_APPROVAL.RULE_NOT_FOUND).')
  async dryRunStored(@Param('ruleId') ruleId: string): Promise<DryRunResultDto> {
    return presentDryRun(await this.dryRunRule.execute({ ruleId }));
  }
}
