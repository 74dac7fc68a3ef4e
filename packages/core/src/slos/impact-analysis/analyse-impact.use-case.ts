import { type GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import { throwIfInvalid } from '../../graph/input-validation';
import { type SliAggregateRepository } from '../../recommendations/recommendation.ports';
import { type AggregateWindow } from '../../recommendations/telemetry.port';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { type ActiveSloRepository } from '../slo.ports';
import { analyseImpact, hasHardCallers, type ImpactAnalysis } from './impact-analysis';

/** The SLI type whose impact composes along dependencies; the only one FR-4 can project. */
export const IMPACT_SLI_TYPES = ['availability'] as const;
export type ImpactSliType = (typeof IMPACT_SLI_TYPES)[number];

/** The aggregate a service's observed availability is read from (spec 004 FR-6). */
export const IMPACT_OBSERVED_WINDOW: AggregateWindow = '28d';

const NOTHING: ReadonlyMap<string, number> = new Map();

/** What `POST /slos/impact-analysis` asks (spec 004 FR-4). Targets are percentages (99.5). */
export interface AnalyseImpactInput {
  readonly serviceId: string;
  readonly proposedChange: {
    readonly sliType: string;
    /** The service's availability today; absent: its observed 28-day availability (or fallback). */
    readonly currentTarget?: number;
    readonly proposedTarget: number;
  };
}

export interface ProposedAvailabilityChange {
  readonly sliType: ImpactSliType;
  /** Percent: as asked, or the availability the analysis assumed when it was not given. */
  readonly currentTarget: number;
  readonly proposedTarget: number;
}

export interface ImpactAnalysisReport extends ImpactAnalysis {
  readonly analysisId: string;
  readonly proposedChange: ProposedAvailabilityChange;
}

/**
 * FR-4 (`POST /api/v1/slos/impact-analysis`): checks the request, then reads the cached graph
 * snapshot, every active availability target and every observed 28-day availability — one bulk
 * read each, concurrently, however many services are upstream (neither when nobody calls the
 * service over hard edges and the current target is given) — and runs {@link analyseImpact}.
 * Services without a 28-day aggregate are planned with analyseImpact's fallback (published SLA
 * less 0.1%, else the archetype's baseline). Nothing is stored: `analysisId` names the answer.
 */
export class AnalyseImpactUseCase {
  constructor(
    private readonly snapshots: GraphSnapshotCache,
    private readonly activeSlos: Pick<ActiveSloRepository, 'availabilityTargets'>,
    private readonly aggregates: Pick<SliAggregateRepository, 'latestValues'>,
    private readonly newId: () => string,
  ) {}

  async execute(input: AnalyseImpactInput): Promise<ImpactAnalysisReport> {
    const { serviceId, proposedChange } = checked(input);
    const snapshot = await this.snapshots.get();
    if (snapshot.service(serviceId) === undefined) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${serviceId}".`,
        { serviceId },
      );
    }
    // A service nobody calls over hard edges has no row to compare with an SLO, and needs its own
    // observed availability only when the request leaves the current target out.
    const called = hasHardCallers(snapshot, serviceId);
    const [targets, observed] = await Promise.all([
      called ? this.activeSlos.availabilityTargets() : NOTHING,
      called || proposedChange.currentTarget === undefined
        ? this.aggregates.latestValues('availability', IMPACT_OBSERVED_WINDOW)
        : NOTHING,
    ]);
    const analysis = analyseImpact({
      snapshot,
      serviceId,
      proposedAvailability: ratio(proposedChange.proposedTarget),
      ...(proposedChange.currentTarget !== undefined
        ? { currentAvailability: ratio(proposedChange.currentTarget) }
        : {}),
      availabilityOf: (id) => observed.get(id),
      activeSloTargetOf: (id) => {
        const percent = targets.get(id);
        return percent === undefined ? undefined : ratio(percent);
      },
    });
    return {
      ...analysis,
      analysisId: this.newId(),
      proposedChange: {
        sliType: 'availability',
        currentTarget: proposedChange.currentTarget ?? analysis.currentAvailability,
        proposedTarget: proposedChange.proposedTarget,
      },
    };
  }
}

/** Every field error of the request at once, with the wire names the API documents. */
function checked(input: AnalyseImpactInput): AnalyseImpactInput {
  const fieldErrors: FieldError[] = [];
  const serviceId: unknown = input?.serviceId;
  if (typeof serviceId !== 'string' || serviceId.length === 0 || serviceId.length > 255) {
    fieldErrors.push({
      field: 'service_id',
      message: 'is required: a service id of 1–255 characters',
    });
  }
  const change: unknown = input?.proposedChange;
  if (typeof change !== 'object' || change === null) {
    fieldErrors.push({ field: 'proposed_change', message: 'is required: an object' });
  } else {
    const { sliType, currentTarget, proposedTarget } = change as Record<string, unknown>;
    if (sliType === 'latency') {
      fieldErrors.push({
        field: 'proposed_change.sli_type',
        message:
          'must be "availability": latency targets do not compose along dependencies (a caller\'s latency is not a product of its callees\'), so the impact of a latency change cannot be projected',
      });
    } else if (!(IMPACT_SLI_TYPES as readonly unknown[]).includes(sliType)) {
      fieldErrors.push({
        field: 'proposed_change.sli_type',
        message: `must be "availability", got ${sliType === undefined ? 'nothing' : JSON.stringify(sliType)}`,
      });
    }
    checkPercent(proposedTarget, 'proposed_change.proposed_target', true, fieldErrors);
    checkPercent(currentTarget, 'proposed_change.current_target', false, fieldErrors);
  }
  throwIfInvalid(fieldErrors, 'The impact analysis request');
  return input;
}

function checkPercent(
  value: unknown,
  field: string,
  required: boolean,
  fieldErrors: FieldError[],
): void {
  if (value === undefined && !required) return;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 100) return;
  fieldErrors.push({
    field,
    message: `must be a percentage strictly between 0 and 100 (e.g. 99.5), got ${describeValue(value)}`,
  });
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Percent → ratio without binary noise in the last digit (99.9 / 100 is 0.9990000000000001). */
function ratio(percent: number): number {
  return Number((percent / 100).toPrecision(15));
}
