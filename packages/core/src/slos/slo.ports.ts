/** Storage ports of the SLO lifecycle (spec 004 FR-5). Abstract classes: each is its own Nest token. */
import { type ActiveSlo } from './slo.types';

export abstract class ActiveSloRepository {
  /** The service's active SLO, or null when it has none. */
  abstract findByService(serviceId: string): Promise<ActiveSlo | null>;

  /** Availability targets (percent) of every service that has an active availability SLO. */
  abstract availabilityTargets(): Promise<ReadonlyMap<string, number>>;
}
