import { IngestionQueue, type GraphSubmission } from '@slo-engine/core';

export interface InProcessIngestionQueueOptions {
  /** Processes one ingestion; the queue runs one at a time, in enqueue order. */
  readonly process: (ingestionId: string, submission?: GraphSubmission) => Promise<void>;
  /** Receives every failure of `process` (the queue itself never rejects). */
  readonly onError: (error: unknown, ingestionId: string) => void;
}

/**
 * The ingestion queue of the API alone and of the embedded mode: jobs run in this process, one at
 * a time, after `enqueue` has returned (the HTTP 202 goes out first). The submissions live only in
 * memory: if the process dies, its unfinished ingestions are failed later by the stalled-ingestion
 * sweep (`FailStalledIngestionsUseCase`) and their clients submit again.
 */
export class InProcessIngestionQueue extends IngestionQueue {
  /** The submission stays in memory until processed; it is never stored. */
  readonly deliversSubmission = true;
  private readonly pending: Array<{ ingestionId: string; submission?: GraphSubmission }> = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: InProcessIngestionQueueOptions) {
    super();
  }

  /** Keeps `submission` in memory and hands it to `process`, sparing the read-back. */
  override enqueue(ingestionId: string, submission?: GraphSubmission): Promise<void> {
    this.pending.push(submission === undefined ? { ingestionId } : { ingestionId, submission });
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.runPending());
    }
    return Promise.resolve();
  }

  /** Resolves once every enqueued job (including ones enqueued meanwhile) has finished. */
  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async runPending(): Promise<void> {
    for (let job = this.pending.shift(); job !== undefined; job = this.pending.shift()) {
      try {
        await this.options.process(job.ingestionId, job.submission);
      } catch (error) {
        this.report(error, job.ingestionId);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private report(error: unknown, ingestionId: string): void {
    try {
      this.options.onError(error, ingestionId);
    } catch {
      // An error handler that throws must not stop the queue.
    }
  }
}
