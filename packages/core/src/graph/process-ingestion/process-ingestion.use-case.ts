import { type Clock } from '../../shared/clock.port';
import { DomainError } from '../../shared/domain-error';
import {
  type ActiveGraph,
  type ApplySubmissionResult,
  type IngestionRepository,
  type UnitOfWork,
} from '../graph.ports';
import { GraphSnapshot } from '../graph-snapshot/graph-snapshot';
import { type GraphSnapshotCache } from '../graph-snapshot/graph-snapshot-cache';
import {
  type DetectedCycle,
  type DiscoverySource,
  type Divergence,
  type GraphSubmission,
  type IngestionResult,
} from '../graph.types';
import {
  type ProcessIngestionInput,
  type ProcessIngestionOptions,
  type ProcessIngestionOutcome,
} from './process-ingestion.types';

export const DEFAULT_STALENESS_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Divergences beyond this many are counted in a warning, not listed. */
export const MAX_REPORTED_DIVERGENCES = 1_000;
/** Cycle warnings beyond this many are summarised in one line. */
const MAX_CYCLE_WARNINGS = 20;
const MAX_LISTED_PLACEHOLDERS = 10;

/** Sources that state what should exist (configuration) … */
const DECLARING_SOURCES: ReadonlySet<DiscoverySource> = new Set(['manual', 'kubernetes']);
/** … and sources that saw calls happen at run time. */
const OBSERVING_SOURCES: ReadonlySet<DiscoverySource> = new Set([
  'otel_service_graph',
  'service_mesh',
]);

export const INTERNAL_FAILURE_MESSAGE =
  'Processing the ingestion failed on the server; the dependency graph was not changed. Submit it again, and report the ingestion id if it keeps failing.';

/** A failure whose message was written for clients (no internals), unlike arbitrary errors. */
class ClientSafeError extends Error {
  override readonly name = 'ClientSafeError';
}

/**
 * Processes one queued ingestion (spec 004 FR-1 steps 3–6) in ONE transaction: merge the
 * submission into the stored graph, run Tarjan over the whole active graph, record new cycle
 * alerts, compare declared and observed edges, store the result. A failure anywhere rolls all of
 * it back and marks the ingestion failed.
 */
export class ProcessIngestionUseCase {
  private readonly stalenessWindowMs: number;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly ingestions: IngestionRepository,
    private readonly clock: Clock,
    options: ProcessIngestionOptions = {},
    /**
     * The snapshot cache the subgraph queries use, when the process has one: an unchanged re-sync
     * reuses its graph and cycles instead of reloading the whole graph, and a change primes it.
     */
    private readonly snapshots?: GraphSnapshotCache,
  ) {
    this.stalenessWindowMs = options.stalenessWindowMs ?? DEFAULT_STALENESS_WINDOW_MS;
  }

  async execute({
    ingestionId,
    submission: carried,
  }: ProcessIngestionInput): Promise<ProcessIngestionOutcome> {
    if (!(await this.ingestions.markProcessing(ingestionId, this.clock.now()))) {
      return { status: 'skipped', ingestionId };
    }
    try {
      const submission = carried ?? (await this.ingestions.loadSubmission(ingestionId));
      if (submission === null) {
        throw new ClientSafeError(
          'The submitted graph of this ingestion is no longer stored; submit it again.',
        );
      }
      let snapshot: GraphSnapshot | undefined;
      const result = await this.uow.transaction(async (stores) => {
        const now = this.clock.now();
        const applied = await stores.graph.applySubmission(submission, {
          now,
          stalenessWindowMs: this.stalenessWindowMs,
        });
        // Same version as the cached snapshot means the same graph: no reload, no new Tarjan run.
        if (!applied.changed && this.snapshots) {
          snapshot = this.snapshots.peek(await stores.graph.graphVersion());
        }
        snapshot ??= new GraphSnapshot(await stores.graph.loadActiveGraph());
        const { active, cycles } = snapshot;
        const recorded = await stores.cycleAlerts.recordCycles(
          cycles.map(({ path, members }) => ({ path, members })),
          now,
        );
        const detected: DetectedCycle[] = recorded.map(({ alert, created }) => ({
          path: alert.cyclePath,
          members: alert.members,
          newAlert: created,
          alertId: alert.id,
        }));
        const divergences = findDivergences(active, submission);
        const ingestionResult: IngestionResult = {
          servicesCreated: applied.servicesCreated,
          servicesUpdated: applied.servicesUpdated,
          placeholdersCreated: applied.placeholdersCreated,
          edgesCreated: applied.edgesCreated,
          edgesUpdated: applied.edgesUpdated,
          edgesUnchanged: applied.edgesUnchanged,
          edgesMarkedStale: applied.edgesMarkedStale,
          conflicts: applied.conflicts,
          cycles: detected,
          divergences: divergences.listed,
          warnings: warningsFor(applied, detected, divergences.total, this.stalenessWindowMs),
        };
        await stores.ingestions.complete(ingestionId, ingestionResult, this.clock.now());
        return ingestionResult;
      });
      // Only a committed graph may be served to queries.
      if (snapshot) this.snapshots?.offer(snapshot);
      return { status: 'completed', ingestionId, result };
    } catch (cause) {
      const error =
        cause instanceof DomainError || cause instanceof ClientSafeError
          ? cause.message
          : INTERNAL_FAILURE_MESSAGE;
      try {
        await this.ingestions.fail(ingestionId, error, this.clock.now());
      } catch {
        // The store is unreachable too; the caller logs `cause`, and the ingestion stays
        // `processing` until an operator (or a future sweeper) deals with it.
      }
      return { status: 'failed', ingestionId, error, cause };
    }
  }
}

/**
 * Declared-versus-observed comparison for the edges this submission touched, over the active
 * (non-stale) graph: a `manual`/`kubernetes` edge no runtime source saw, or a runtime-observed edge
 * nobody declared. A kind is only reported once the graph holds at least one edge from the other
 * side; otherwise a fleet that only sends OpenTelemetry data would see every edge "undeclared".
 */
function findDivergences(
  active: ActiveGraph,
  submission: GraphSubmission,
): { listed: Divergence[]; total: number } {
  let anyDeclared = false;
  let anyObserved = false;
  for (const edge of active.edges) {
    for (const source of edge.discoverySources) {
      if (DECLARING_SOURCES.has(source)) anyDeclared = true;
      if (OBSERVING_SOURCES.has(source)) anyObserved = true;
    }
    if (anyDeclared && anyObserved) break;
  }
  if (!anyDeclared || !anyObserved) return { listed: [], total: 0 };

  const touched = new Set(submission.edges.map((edge) => `${edge.source}\u0000${edge.target}`));
  const listed: Divergence[] = [];
  let total = 0;
  for (const edge of active.edges) {
    if (!touched.has(`${edge.source}\u0000${edge.target}`)) continue;
    const declaredBy = edge.discoverySources.filter((source) => DECLARING_SOURCES.has(source));
    const observedBy = edge.discoverySources.filter((source) => OBSERVING_SOURCES.has(source));
    let kind: Divergence['kind'] | null = null;
    if (declaredBy.length > 0 && observedBy.length === 0) kind = 'declared_not_observed';
    if (observedBy.length > 0 && declaredBy.length === 0) kind = 'observed_not_declared';
    if (kind === null) continue;
    total += 1;
    if (listed.length < MAX_REPORTED_DIVERGENCES) {
      listed.push({ source: edge.source, target: edge.target, kind, declaredBy, observedBy });
    }
  }
  return { listed, total };
}

function warningsFor(
  applied: ApplySubmissionResult,
  cycles: readonly DetectedCycle[],
  divergenceTotal: number,
  stalenessWindowMs: number,
): string[] {
  const warnings = cycles
    .slice(0, MAX_CYCLE_WARNINGS)
    .map(
      (cycle) =>
        `Circular dependency among ${cycle.members.length} services: ${cycle.path.join(' → ')}. ` +
        'They are treated as one supernode for SLO computation; recommend refactoring with async ' +
        'boundaries (a queue or event) to break the cycle.',
    );
  if (cycles.length > MAX_CYCLE_WARNINGS) {
    warnings.push(`${cycles.length - MAX_CYCLE_WARNINGS} more circular dependencies; see cycles.`);
  }
  const placeholders = applied.placeholdersCreated;
  if (placeholders.length > 0) {
    const shown = placeholders.slice(0, MAX_LISTED_PLACEHOLDERS).join(', ');
    const more = placeholders.length > MAX_LISTED_PLACEHOLDERS ? ', …' : '';
    warnings.push(
      `${placeholders.length} service(s) named only by edges were created as placeholders ` +
        `(discovered: true) until their metadata is submitted: ${shown}${more}.`,
    );
  }
  if (applied.conflicts.length > 0) {
    warnings.push(
      `${applied.conflicts.length} attribute conflict(s) between discovery sources were resolved ` +
        'by priority manual > service_mesh > otel_service_graph > kubernetes; see conflicts.',
    );
  }
  if (applied.edgesMarkedStale > 0) {
    const days = Math.round((stalenessWindowMs / 86_400_000) * 100) / 100;
    warnings.push(
      `${applied.edgesMarkedStale} edge observation(s) not seen for ${days} day(s) were marked stale.`,
    );
  }
  if (divergenceTotal > MAX_REPORTED_DIVERGENCES) {
    warnings.push(
      `${divergenceTotal} divergences between declared and observed edges; the first ` +
        `${MAX_REPORTED_DIVERGENCES} are listed.`,
    );
  }
  return warnings;
}
