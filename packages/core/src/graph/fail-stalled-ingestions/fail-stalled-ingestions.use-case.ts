import { type Clock } from '../../shared/clock.port';
import { type IngestionRepository } from '../graph.ports';

/** An ingestion unfinished this long after submission is presumed lost (spec: 1,000 services < 30 s). */
export const DEFAULT_INGESTION_STALL_TIMEOUT_MS = 10 * 60_000;

export interface FailStalledIngestionsOutput {
  readonly failedIngestionIds: readonly string[];
}

/**
 * Fails every ingestion still queued or processing long after it was submitted. Its processor
 * died (a restart, an out-of-memory kill): the processing transaction rolled back, so the graph
 * was not changed, and nobody else will finish it. Safe to run from every replica at any time,
 * since it only touches ingestions far older than any live one; an ingestion that is merely slow
 * and completes afterwards overwrites the failure with its result.
 */
export class FailStalledIngestionsUseCase {
  private readonly timeoutMs: number;

  constructor(
    private readonly ingestions: IngestionRepository,
    private readonly clock: Clock,
    options: { readonly timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_INGESTION_STALL_TIMEOUT_MS;
  }

  async execute(): Promise<FailStalledIngestionsOutput> {
    const now = this.clock.now();
    const minutes = Math.round((this.timeoutMs / 60_000) * 100) / 100;
    const failedIngestionIds = await this.ingestions.failStalled(
      new Date(now.getTime() - this.timeoutMs),
      `The ingestion did not finish within ${minutes} minute(s) of its submission; the server ` +
        'processing it was probably restarted. The dependency graph was not changed by it. ' +
        'Submit it again.',
      now,
    );
    return { failedIngestionIds };
  }
}
