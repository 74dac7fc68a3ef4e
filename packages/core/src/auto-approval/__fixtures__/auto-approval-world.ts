/**
 * A small world for auto-approval unit tests: a graph of services with criticality and team,
 * stored recommendations, rules, the active SLOs and a decider that records what it was asked and
 * sets the active SLO the way the lifecycle's decision use case does.
 */
import { GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import { type NodeSpec, graphSubmission } from '../../graph/testing/graph-submission.builder';
import { InMemoryGraphStores } from '../../graph/testing/in-memory-graph-stores';
import { type NewRecommendation } from '../../recommendations/recommendation.ports';
import {
  type SliType,
  type StoredRecommendation,
} from '../../recommendations/recommendation.types';
import { InMemoryRecommendationRepository } from '../../recommendations/testing/in-memory-recommendation-stores';
import { contractRecommendation } from '../../recommendations/testing/recommendation-stores.contract';
import { DomainError } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import {
  type DecideRecommendationInput,
  type SloDecision,
} from '../../slos/decide-recommendation/decide-recommendation.types';
import { SloErrorCodes } from '../../slos/slo-error-codes';
import { ActiveSloRepository } from '../../slos/slo.ports';
import { type ActiveSlo } from '../../slos/slo.types';
import { type RecommendationDecider } from '../auto-approval.ports';
import { summarizeRecommendation, tierTarget } from '../auto-approval-matching';
import {
  InMemoryAutoApprovalRuleRepository,
  RepositoryActiveRecommendationReader,
} from '../testing/in-memory-auto-approval-stores';

const LATENCY_COLUMN = {
  p95: 'latencyP95TargetMs',
  p99: 'latencyP99TargetMs',
  'p99.9': 'latencyP999TargetMs',
} as const;

export const NOW = new Date('2026-02-14T12:00:00.000Z');

export const SERVICES: readonly NodeSpec[] = [
  ['reviews', { criticality: 'low', team: 'social' }],
  ['wishlist', { criticality: 'low', team: 'growth' }],
  ['legacy', { criticality: 'low' }],
  ['checkout', { criticality: 'medium', team: 'payments' }],
  ['gateway', { criticality: 'critical', team: 'edge' }],
];

export class FakeActiveSloRepository extends ActiveSloRepository {
  readonly slos = new Map<string, ActiveSlo>();

  async findByService(serviceId: string): Promise<ActiveSlo | null> {
    await Promise.resolve();
    return this.slos.get(serviceId) ?? null;
  }

  async findByServices(serviceIds: readonly string[]): Promise<ReadonlyMap<string, ActiveSlo>> {
    await Promise.resolve();
    return new Map(
      serviceIds.flatMap((id) => {
        const slo = this.slos.get(id);
        return slo === undefined ? [] : [[id, slo] as const];
      }),
    );
  }

  async availabilityTargets(): Promise<ReadonlyMap<string, number>> {
    await Promise.resolve();
    const targets = new Map<string, number>();
    for (const slo of this.slos.values()) {
      if (slo.availabilityTarget !== null) targets.set(slo.serviceId, slo.availabilityTarget);
    }
    return targets;
  }

  /** An active SLO for the service, set by `activatedBy`. */
  set(serviceId: string, activatedBy: string, targets: Partial<ActiveSlo> = {}): void {
    this.slos.set(serviceId, {
      id: `slo-${serviceId}`,
      serviceId,
      availabilityTarget: 99,
      latencyP95TargetMs: null,
      latencyP99TargetMs: null,
      latencyP999TargetMs: null,
      source: 'manual',
      recommendationId: null,
      activatedAt: NOW,
      activatedBy,
      createdAt: NOW,
      updatedAt: NOW,
      ...targets,
    });
  }
}

/** Records each decision and applies it to the active SLOs; can be told to fail for an id. */
export class RecordingDecider implements RecommendationDecider {
  readonly inputs: DecideRecommendationInput[] = [];
  private readonly failures = new Map<string, Error>();

  constructor(
    private readonly recommendations: (id: string) => StoredRecommendation | undefined,
    private readonly activeSlos: FakeActiveSloRepository,
  ) {}

  failFor(recommendationId: string, error: Error): void {
    this.failures.set(recommendationId, error);
  }

  async execute(input: DecideRecommendationInput): Promise<SloDecision> {
    await Promise.resolve();
    this.inputs.push(input);
    const failure = this.failures.get(input.recommendationId);
    if (failure !== undefined) throw failure;
    const stored = this.recommendations(input.recommendationId);
    if (stored === undefined || input.selectedTier === undefined) {
      throw new Error(`unexpected decision ${JSON.stringify(input)}`);
    }
    const target = tierTarget(summarizeRecommendation(stored), input.selectedTier);
    const previous = this.activeSlos.slos.get(input.serviceId);
    const targets = {
      availabilityTarget: previous?.availabilityTarget ?? null,
      latencyP95TargetMs: previous?.latencyP95TargetMs ?? null,
      latencyP99TargetMs: previous?.latencyP99TargetMs ?? null,
      latencyP999TargetMs: previous?.latencyP999TargetMs ?? null,
    };
    const activeSlo: ActiveSlo = {
      id: `slo-${input.serviceId}`,
      serviceId: input.serviceId,
      ...targets,
      ...(target.sliType === 'availability'
        ? { availabilityTarget: target.target }
        : {
            // As the lifecycle stores latency: the tier's percentile alone, in whole ms rounded up.
            latencyP95TargetMs: null,
            latencyP99TargetMs: null,
            latencyP999TargetMs: null,
            [LATENCY_COLUMN[target.percentile]]: Math.ceil(target.targetMs),
          }),
      source: 'recommendation_accepted',
      recommendationId: input.recommendationId,
      activatedAt: NOW,
      activatedBy: input.actor,
      createdAt: previous?.createdAt ?? NOW,
      updatedAt: NOW,
    };
    this.activeSlos.slos.set(input.serviceId, activeSlo);
    return {
      action: input.action,
      serviceId: input.serviceId,
      recommendationId: input.recommendationId,
      activeSlo,
      modificationDelta: null,
      warnings: [],
      auditEntryId: `audit-${this.inputs.length}`,
      decidedAt: NOW,
    };
  }
}

/** A stored-shape recommendation of `contractRecommendation`, with chosen confidence facts. */
export function newRecommendation(
  serviceId: string,
  sliType: SliType,
  quality: { readonly dataCompleteness?: number; readonly coldStart?: boolean } = {},
): NewRecommendation {
  const base = contractRecommendation(serviceId, sliType);
  return {
    ...base,
    generatedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 86_400_000),
    dataQuality: {
      ...base.dataQuality,
      dataCompleteness: quality.dataCompleteness ?? 0.97,
      coldStart: quality.coldStart ?? false,
    },
  };
}

export interface AutoApprovalWorld {
  readonly snapshots: GraphSnapshotCache;
  readonly recommendations: InMemoryRecommendationRepository;
  readonly rules: InMemoryAutoApprovalRuleRepository;
  readonly activeSlos: FakeActiveSloRepository;
  readonly decider: RecordingDecider;
  readonly reader: RepositoryActiveRecommendationReader;
  readonly clock: FixedClock;
  /** Stores the recommendations as the generator would, and remembers them for the decider. */
  generate(batch: readonly NewRecommendation[]): Promise<readonly StoredRecommendation[]>;
  /** The error the lifecycle throws for a recommendation that is no longer current. */
  notCurrent(message?: string): DomainError;
}

export async function createAutoApprovalWorld(
  services: readonly NodeSpec[] = SERVICES,
): Promise<AutoApprovalWorld> {
  const graph = new InMemoryGraphStores();
  await graph.graph.applySubmission(graphSubmission('manual', { nodes: services }), {
    now: NOW,
    stalenessWindowMs: 30 * 86_400_000,
  });
  const serviceIds = services.map((node) => (typeof node === 'string' ? node : node[0]));
  const snapshots = new GraphSnapshotCache(graph.graph);
  const recommendations = new InMemoryRecommendationRepository(new Set(serviceIds));
  const stored = new Map<string, StoredRecommendation>();
  const rules = new InMemoryAutoApprovalRuleRepository();
  const activeSlos = new FakeActiveSloRepository();
  const decider = new RecordingDecider((id) => stored.get(id), activeSlos);
  const reader = new RepositoryActiveRecommendationReader(recommendations, () => serviceIds);
  const clock = new FixedClock(NOW);

  const generate = async (
    batch: readonly NewRecommendation[],
  ): Promise<readonly StoredRecommendation[]> => {
    const saved = await recommendations.saveActive(batch);
    for (const recommendation of saved) stored.set(recommendation.id, recommendation);
    return saved;
  };

  return {
    snapshots,
    recommendations,
    rules,
    activeSlos,
    decider,
    reader,
    clock,
    generate,
    notCurrent: (message = 'The recommendation is no longer current.') =>
      new DomainError(SloErrorCodes.RECOMMENDATION_NOT_CURRENT, message),
  };
}
