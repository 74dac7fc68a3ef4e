import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  CanaryBook,
  ControllerErrorCodes,
  DomainError,
  RegistryStore,
  type StoredCanaryPolicy,
} from '@slo-engine/core';
import { type CanaryHealth, type CanaryPolicy, RegistryError } from '@slo-engine/registry';
import { ApiProblemResponse } from '@slo-engine/platform';
import { type ControllerConfig } from '../config';
import { ControllerMetrics } from '../controller-metrics';
import { ControllerEvents } from '../events/controller-events';
import { assertAdmin } from '../identity/admin';
import { type Caller, CurrentCaller } from '../identity/caller-identity';
import { CONTROLLER_CLOCK, CONTROLLER_CONFIG } from '../tokens';
import { CanaryPolicyDto } from './canary.dto';

const KEY = /^[^:\s][^:]*:[^:\s][^:]*$/;

/** Canary releases between worker versions of one capability (spec 003), with auto-rollback. */
@ApiTags('canary')
@Controller('capabilities/:key/canary')
export class CanaryController {
  constructor(
    private readonly canaries: CanaryBook,
    private readonly store: RegistryStore,
    private readonly metrics: ControllerMetrics,
    private readonly events: ControllerEvents,
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(CONTROLLER_CLOCK) private readonly now: () => number,
  ) {}

  @Put()
  @ApiOperation({
    summary: 'Set the canary policy of a capability',
    description:
      'Sticky by routing_key: a key stays on its side while the percentage is unchanged, and raising the percentage only moves keys from stable to canary. A cohort puts keys on the canary whatever the percentage. After CONTROLLER_CANARY_ROLLBACK_AFTER consecutive checks in which the canary violates its SLO or burns its error budget faster than stable, the controller sets the percentage to 0 and records why.',
  })
  @ApiParam({ name: 'key', example: 'convert:convert_document_to_pdf', description: '`verb:name`' })
  @ApiProblemResponse(400, 'The policy is invalid (errors[] names each field).')
  @ApiProblemResponse(403, 'Only administrator identities may change canary policies.')
  async put(
    @Param('key') key: string,
    @Body() body: CanaryPolicyDto,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    const capability = this.capabilityKey(key);
    assertAdmin(this.config, caller, 'Changing a canary policy');
    const policy: CanaryPolicy = {
      stableVersion: body.stable_version,
      canaryVersion: body.canary_version,
      percentage: body.percentage,
      ...(body.cohort === undefined ? {} : { cohort: body.cohort }),
      ...(body.dark_launch === undefined ? {} : { darkLaunch: body.dark_launch }),
      ...(body.salt === undefined ? {} : { salt: body.salt }),
    };
    let stored: StoredCanaryPolicy;
    try {
      stored = this.canaries.set(capability, policy, caller.identity ?? 'anonymous', this.now());
    } catch (error) {
      if (error instanceof RegistryError)
        throw new DomainError(
          ControllerErrorCodes.INVALID_CANARY,
          error.message.replace(/^.*?: /, ''),
        );
      throw error;
    }
    await this.store.saveCanary(stored);
    this.events.record(
      'canary.updated',
      `canary of ${capability} set to ${stored.policy.percentage} % of ${stored.policy.canaryVersion} over ${stored.policy.stableVersion}${stored.policy.darkLaunch ? ' (dark launch)' : ''} by ${stored.updatedBy}`,
      { capability, data: { percentage: stored.policy.percentage, updated_by: stored.updatedBy } },
    );
    this.metrics.canaryPercentage.set({ capability }, stored.policy.percentage);
    return this.present(capability);
  }

  @Get()
  @ApiOperation({
    summary: 'The canary policy of a capability, its health and any automatic rollback',
  })
  @ApiParam({ name: 'key', example: 'convert:convert_document_to_pdf' })
  @ApiProblemResponse(404, 'The capability has no canary policy.')
  get(@Param('key') key: string): unknown {
    return this.present(this.capabilityKey(key));
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the canary policy: every key goes to any version again' })
  @ApiParam({ name: 'key', example: 'convert:convert_document_to_pdf' })
  @ApiProblemResponse(403, 'Only administrator identities may change canary policies.')
  @ApiProblemResponse(404, 'The capability has no canary policy.')
  async remove(@Param('key') key: string, @CurrentCaller() caller: Caller): Promise<void> {
    const capability = this.capabilityKey(key);
    assertAdmin(this.config, caller, 'Removing a canary policy');
    if (!this.canaries.remove(capability)) throw notFound(capability);
    await this.store.removeCanary(capability);
    this.events.record(
      'canary.removed',
      `canary policy of ${capability} removed by ${caller.identity ?? 'anonymous'}`,
      {
        capability,
      },
    );
    this.metrics.canaryPercentage.remove({ capability });
  }

  private present(capability: string): unknown {
    const status = this.canaries.get(capability);
    if (status === undefined) throw notFound(capability);
    const { policy } = status;
    return {
      capability,
      stable_version: policy.stableVersion,
      canary_version: policy.canaryVersion,
      percentage: policy.percentage,
      cohort: policy.cohort ?? [],
      dark_launch: policy.darkLaunch ?? false,
      ...(policy.salt === undefined ? {} : { salt: policy.salt }),
      updated_at: new Date(status.updatedAt).toISOString(),
      updated_by: status.updatedBy,
      consecutive_violations: status.consecutiveViolations,
      ...(status.lastHealth === undefined ? {} : { last_health: presentHealth(status.lastHealth) }),
      ...(status.rolledBack === undefined
        ? {}
        : {
            rolled_back: {
              at: new Date(status.rolledBack.at).toISOString(),
              reason: status.rolledBack.reason,
            },
          }),
    };
  }

  private capabilityKey(key: string): string {
    if (!KEY.test(key) || key.length > 513)
      throw new DomainError(
        ControllerErrorCodes.INVALID_CANARY,
        `"${key.slice(0, 100)}" is not a capability key verb:name.`,
        {
          fieldErrors: [{ field: 'key', message: 'must be verb:name' }],
        },
      );
    return key;
  }
}

function notFound(capability: string): DomainError {
  return new DomainError(
    ControllerErrorCodes.CANARY_NOT_FOUND,
    `${capability} has no canary policy.`,
  );
}

/** The wire is snake_case like the rest of the controller's API; CanaryHealth is the domain's shape. */
function presentHealth(health: CanaryHealth): Record<string, unknown> {
  return {
    verdict: health.verdict,
    reasons: health.reasons,
    violations: health.violations,
    canary_error_rate: health.canaryErrorRate,
    ...(health.stableErrorRate === undefined ? {} : { stable_error_rate: health.stableErrorRate }),
    error_rate_limit: health.errorRateLimit,
  };
}
