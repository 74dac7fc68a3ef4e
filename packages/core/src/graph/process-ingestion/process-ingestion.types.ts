import { type GraphSubmission, type IngestionResult } from '../graph.types';

export interface ProcessIngestionInput {
  readonly ingestionId: string;
  /** The submission, when the queue carried it in memory; otherwise the stored copy is loaded. */
  readonly submission?: GraphSubmission;
}

export interface ProcessIngestionOptions {
  /** Edges not observed for longer than this are marked stale; default 7 days (spec 004 FR-1). */
  readonly stalenessWindowMs?: number;
}

/**
 * What happened, for the caller to log: the use case neither logs nor throws.
 * - `completed`: stored, analysed, the ingestion holds `result`.
 * - `failed`: nothing changed in the graph; the ingestion is `failed` with `error` (safe for
 *   clients); `cause` is the original error, for the worker's log only.
 * - `skipped`: the ingestion was not queued (unknown, or another worker took it); nothing done.
 */
export type ProcessIngestionOutcome =
  | { readonly status: 'completed'; readonly ingestionId: string; readonly result: IngestionResult }
  | {
      readonly status: 'failed';
      readonly ingestionId: string;
      readonly error: string;
      readonly cause: unknown;
    }
  | { readonly status: 'skipped'; readonly ingestionId: string };
