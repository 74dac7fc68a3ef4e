import { type GraphSubmission, type IngestionStatus } from '../graph.types';

/** A transport-validated submission; `observedAt` defaults to the time of submission. */
export interface SubmitIngestionInput extends Omit<GraphSubmission, 'observedAt'> {
  readonly observedAt?: Date;
}

export interface SubmitIngestionOutput {
  readonly ingestionId: string;
  /** `queued` when accepted (the processor may already have picked it up). */
  readonly status: IngestionStatus;
  readonly nodesReceived: number;
  readonly edgesReceived: number;
  /** See {@link estimateCompletionSeconds}. */
  readonly estimatedCompletionSeconds: number;
}
