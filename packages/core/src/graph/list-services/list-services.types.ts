import { type ServiceCriticality } from '../graph.types';

export interface ListServicesInput {
  readonly team?: string;
  readonly criticality?: ServiceCriticality;
  readonly discovered?: boolean;
  /** From the previous page's `nextCursor`. */
  readonly cursor?: string;
  /** 1..500, default 50. */
  readonly limit?: number;
}
