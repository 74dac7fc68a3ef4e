import { Logger } from '@nestjs/common';
import {
  type AutoApprovalOutcome,
  type AutoApproveRecommendationsUseCase,
  RecommendationsGeneratedListener,
  type StoredRecommendation,
} from '@slo-engine/core';
import { type MetricsRegistry } from '@slo-engine/platform';

/**
 * Runs auto-approval on recommendations the recommendation endpoint just generated, inside that
 * request (awaited, so the answer reflects the decision; the caller swallows what this throws).
 * Each outcome is counted and logged; a failed decision is a warning, never an error response.
 */
export class AutoApprovalListener extends RecommendationsGeneratedListener {
  private readonly logger = new Logger('AutoApproval');
  private readonly outcomes: ReturnType<MetricsRegistry['counter']>;

  constructor(
    private readonly autoApprove: AutoApproveRecommendationsUseCase,
    metrics: MetricsRegistry,
  ) {
    super();
    this.outcomes = metrics.counter({
      name: 'slo_engine_auto_approval_outcomes_total',
      help: 'Auto-approval outcomes of newly generated recommendations by status (approved, not_matched, held, failed) and reason.',
      labelNames: ['status', 'reason'],
    });
  }

  async onGenerated(stored: readonly StoredRecommendation[]): Promise<void> {
    for (const outcome of await this.autoApprove.execute(stored)) {
      this.outcomes.inc({ status: outcome.status, reason: reasonOf(outcome) });
      this.log(outcome);
    }
  }

  private log(outcome: AutoApprovalOutcome): void {
    const context = {
      service_id: outcome.serviceId,
      recommendation_id: outcome.recommendationId,
      sli_type: outcome.sliType,
    };
    switch (outcome.status) {
      case 'approved':
        this.logger.log(
          { ...context, rule: outcome.rule, audit_entry_id: outcome.decision.auditEntryId },
          'recommendation auto-approved',
        );
        break;
      case 'failed':
        this.logger.warn(
          { ...context, rule: outcome.rule, err: outcome.error },
          'auto-approval failed; the recommendation waits for a human decision',
        );
        break;
      case 'held':
        this.logger.log(
          { ...context, rule: outcome.rule, reason: outcome.reason },
          'auto-approval held back',
        );
        break;
      case 'not_matched':
        break;
    }
  }
}

function reasonOf(outcome: AutoApprovalOutcome): string {
  return outcome.status === 'held' || outcome.status === 'not_matched' ? outcome.reason : '';
}
