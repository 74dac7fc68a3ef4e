import {
  type CanaryAssignment,
  type Capability,
  capabilityKey,
  type Rejection,
  type Requester,
  type SloConstraints,
} from '@slo-engine/registry';
import { DomainError } from '../shared/domain-error';
import { type CanaryBook } from './canary/canary-book';
import { ControllerErrorCodes } from './controller-errors';
import { type WorkerDirectory } from './worker-directory';

/** What a caller asks to be routed: spec 002's `/route` body plus the parameters it reserves. */
export interface RouteQuery {
  readonly verb: string;
  readonly capability: string;
  /** Sticky canary key (device, tenant...). Without one, the assignment is per request. */
  readonly routingKey?: string;
  readonly requester?: Requester;
  readonly sloConstraints?: SloConstraints;
  readonly budgetTokens?: number;
}

/** A worker chosen for one request. */
export interface RouteDecision {
  readonly key: string;
  readonly workerId: string;
  readonly workerUrl: string;
  readonly capability: Capability;
  readonly version: string;
  /** The canary side and why, when the capability has a canary policy. */
  readonly canary?: CanaryAssignment;
  /** Dark launch: a worker of the canary version the request is mirrored to (answer unused). */
  readonly mirror?: {
    readonly workerId: string;
    readonly workerUrl: string;
    readonly version: string;
  };
  readonly candidates: number;
}

/**
 * Chooses a worker for a capability: the canary policy picks the version (sticky by routing key),
 * then the registry filters by health, policy, SLO constraints and budget and round-robins. A miss
 * is a `CONTROLLER.NO_WORKER_AVAILABLE` error that says which filter removed the last candidate.
 */
export class CapabilityRouter {
  constructor(
    private readonly workers: WorkerDirectory,
    private readonly canaries: CanaryBook,
    /** Source of per-request keys when the caller gives none (seeded in tests). */
    private readonly random: () => number = Math.random,
  ) {}

  route(query: RouteQuery): RouteDecision {
    const key = capabilityKey(query.verb, query.capability);
    const assignment = this.canaries.assign(
      key,
      query.routingKey ?? this.random().toString(36).slice(2),
    );
    const base = {
      verb: query.verb,
      name: query.capability,
      ...(query.requester === undefined ? {} : { requester: query.requester }),
      ...(query.sloConstraints === undefined ? {} : { sloConstraints: query.sloConstraints }),
      ...(query.budgetTokens === undefined ? {} : { budgetTokens: query.budgetTokens }),
    };
    let result = this.workers.registry.route(
      assignment === undefined ? base : { ...base, version: assignment.version },
    );
    let canary = assignment;
    if (!result.ok && assignment?.side === 'canary' && result.reason === 'version_unavailable') {
      // The canary version has no healthy worker: serve the key from stable rather than fail it.
      const stable = this.canaries.get(key)?.policy.stableVersion;
      if (stable !== undefined) {
        result = this.workers.registry.route({ ...base, version: stable });
        canary = { side: 'stable', version: stable, reason: assignment.reason };
      }
    }
    if (!result.ok)
      throw new DomainError(ControllerErrorCodes.NO_WORKER_AVAILABLE, result.detail, {
        // Spec 002's `{ "error": "no_worker_available", "capability": ... }`, as problem extensions.
        extensions: {
          error: 'no_worker_available',
          capability: key,
          reason: result.reason,
          rejected: result.rejected.map((r: Rejection) => ({
            worker_id: r.workerId,
            reason: r.reason,
            detail: r.detail,
          })),
        },
      });
    let mirror: RouteDecision['mirror'];
    if (canary?.mirrorVersion !== undefined) {
      const mirrored = this.workers.registry.route({ ...base, version: canary.mirrorVersion });
      if (mirrored.ok)
        mirror = {
          workerId: mirrored.workerId,
          workerUrl: mirrored.workerUrl,
          version: canary.mirrorVersion,
        };
    }
    return {
      key,
      workerId: result.workerId,
      workerUrl: result.workerUrl,
      capability: result.capability,
      version: result.capability.version,
      ...(canary === undefined ? {} : { canary }),
      ...(mirror === undefined ? {} : { mirror }),
      candidates: result.candidates,
    };
  }
}
