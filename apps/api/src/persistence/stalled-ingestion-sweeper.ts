import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type FailStalledIngestionsUseCase } from '@slo-engine/core';

/**
 * Runs {@link FailStalledIngestionsUseCase} at start-up and then every `intervalMs`: ingestions
 * the in-process queue lost when a previous process died are failed with a clear message instead
 * of staying `queued` forever. Every replica may run it; it only touches long-dead ingestions.
 */
export class StalledIngestionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StalledIngestionSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly failStalled: FailStalledIngestionsUseCase,
    private readonly intervalMs: number,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    // The sweep must never keep a finished process alive.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private sweep(): Promise<void> {
    this.running ??= this.failStalled
      .execute()
      .then(({ failedIngestionIds }) => {
        if (failedIngestionIds.length > 0) {
          this.logger.warn(
            { ingestionIds: failedIngestionIds },
            `${failedIngestionIds.length} stalled ingestion(s) marked failed`,
          );
        }
      })
      .catch((error: unknown) => {
        // The database may be briefly unreachable; the next sweep tries again.
        this.logger.error({ err: error }, 'stalled-ingestion sweep failed');
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
