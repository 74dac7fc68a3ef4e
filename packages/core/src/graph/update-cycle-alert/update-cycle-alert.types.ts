import { type CycleAlertStatus } from '../graph.types';

export interface UpdateCycleAlertInput {
  readonly id: string;
  /** The new status: `acknowledged` or `resolved` (anything else is refused). */
  readonly status: CycleAlertStatus;
  /** Who acknowledged or resolved it; null keeps what is stored. */
  readonly actor?: string | null;
  /** Resolution notes; null keeps what is stored. */
  readonly notes?: string | null;
}
