import { type CycleAlertStatus } from '../graph.types';

export interface ListCycleAlertsInput {
  readonly status?: CycleAlertStatus;
  /** From the previous page's `nextCursor`. */
  readonly cursor?: string;
  /** 1..500, default 50. */
  readonly limit?: number;
}
