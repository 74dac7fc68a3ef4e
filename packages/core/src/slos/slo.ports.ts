/** Storage ports of the SLO lifecycle (spec 004 FR-5). Abstract classes: each is its own Nest token. */
import { type StoredRecommendation } from '../recommendations/recommendation.types';
import {
  type ActiveSlo,
  type AuditChainLink,
  type AuditEntry,
  type NewActiveSlo,
  type NewAuditEntry,
} from './slo.types';

export abstract class ActiveSloRepository {
  /** The service's active SLO, or null when it has none. */
  abstract findByService(serviceId: string): Promise<ActiveSlo | null>;

  /** The active SLOs of the services that have one, keyed by service id (one read for many). */
  abstract findByServices(serviceIds: readonly string[]): Promise<ReadonlyMap<string, ActiveSlo>>;

  /** Availability targets (percent) of every service that has an active availability SLO. */
  abstract availabilityTargets(): Promise<ReadonlyMap<string, number>>;
}

/** Which part of a service's audit history to read. */
export interface AuditHistoryRequest {
  /** Only entries older than this chain position; the newest when undefined. */
  readonly beforeSequence?: number;
  readonly limit: number;
}

/** Reads of the append-only audit log; appends go through {@link SloLifecycleTransaction}. */
export abstract class SloAuditLogRepository {
  /** A service's entries, newest first (descending sequence); none for an unknown service. */
  abstract history(serviceId: string, request: AuditHistoryRequest): Promise<readonly AuditEntry[]>;

  /**
   * Up to `limit` links with a sequence above `afterSequence`, in ascending sequence, each with
   * the hash its content gives when recomputed the way the log computed it on insert.
   */
  abstract chainLinks(afterSequence: number, limit: number): Promise<readonly AuditChainLink[]>;
}

/**
 * What one lifecycle decision may do, inside one transaction: everything commits together or
 * nothing does.
 */
export interface SloLifecycleTransaction {
  /**
   * Serialises decisions on the service until the transaction ends (so two decisions cannot
   * both read the same active SLO and overwrite each other's targets); false when the service
   * does not exist.
   */
  lockService(serviceId: string): Promise<boolean>;

  /**
   * The recommendation with this id if it belongs to the service, locked until the transaction
   * ends (a concurrent decision or regeneration on it waits), in its current state; else null.
   */
  lockRecommendation(
    serviceId: string,
    recommendationId: string,
  ): Promise<StoredRecommendation | null>;

  activeSlo(serviceId: string): Promise<ActiveSlo | null>;

  /**
   * Replaces the service's active SLO (its id and `createdAt` stay when it had one); `at` is
   * the change time (`updatedAt`, and `createdAt` of a first SLO).
   */
  saveActiveSlo(slo: NewActiveSlo, at: Date): Promise<ActiveSlo>;

  /** Ends a recommendation's active life with the decision taken on it. */
  decideRecommendation(
    recommendationId: string,
    status: 'accepted' | 'rejected',
    at: Date,
  ): Promise<void>;

  /** Appends to the hash chain; returns the entry as stored (sequence and hashes assigned). */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
}

export abstract class SloLifecycleStore {
  /** Runs `work` in one transaction; a throw rolls everything back and propagates. */
  abstract transaction<T>(work: (tx: SloLifecycleTransaction) => Promise<T>): Promise<T>;
}
