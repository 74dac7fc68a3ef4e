import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CanaryBook, type SloLoadReport, SloBook, WorkerDirectory } from '@slo-engine/core';
import { type IdempotencyService } from '@slo-engine/idempotency';
import { type InvocationResponse } from '@slo-engine/core';
import { ControllerMetrics } from './controller-metrics';
import { ControllerEvents } from './events/controller-events';
import { type ControllerRuntime } from './runtime';
import { CONTROLLER_CLOCK, CONTROLLER_IDEMPOTENCY, CONTROLLER_RUNTIME } from './tokens';

const IDEMPOTENCY_CLEANUP_INTERVAL_MS = 300_000;

/**
 * Start-up and the periodic work: restore the registry and canary policies, load and watch the
 * SLO files, then sweep stale workers, flush heartbeats, check SLO compliance and canary health,
 * and clean expired idempotency records on timers. Each step is a method so tests drive it with
 * an injected clock instead of waiting for timers. A failing step logs and waits for its next turn;
 * the in-memory registry stays authoritative when the store is down.
 */
@Injectable()
export class ControllerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Controller');
  private readonly timers: NodeJS.Timeout[] = [];
  private stopWatching: (() => void) | undefined;
  private lastSloLoad: SloLoadReport | undefined;
  /** Capabilities violating at the last check, to record violations starting and ending once. */
  private violating = new Set<string>();

  constructor(
    @Inject(CONTROLLER_RUNTIME) private readonly runtime: ControllerRuntime,
    @Inject(CONTROLLER_CLOCK) private readonly now: () => number,
    @Inject(CONTROLLER_IDEMPOTENCY)
    private readonly idempotency: IdempotencyService<InvocationResponse>,
    private readonly directory: WorkerDirectory,
    private readonly slos: SloBook,
    private readonly canaries: CanaryBook,
    private readonly metrics: ControllerMetrics,
    private readonly events: ControllerEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const registry = this.directory.registry;
    this.metrics.bind({
      idempotencyStats: () => this.idempotency.stats(),
      workerCounts: () => {
        const now = this.now();
        const counts = { healthy: 0, stale: 0, needs_verification: 0 };
        for (const w of registry.listWorkers()) {
          if (w.status === 'needs_verification') counts.needs_verification++;
          else if (registry.isHealthy(w, now)) counts.healthy++;
          else counts.stale++;
        }
        return counts;
      },
      capabilityCount: () => Object.keys(registry.listCapabilities()).length,
    });
    const restored = await this.directory.restore(this.now());
    this.canaries.restore(restored.canaries);
    for (const c of restored.canaries)
      this.metrics.canaryPercentage.set({ capability: c.capability }, c.policy.percentage);
    if (restored.workers > 0)
      this.logger.log(
        `restored ${restored.workers} workers (needs verification: each keeps being routed for one heartbeat interval and re-registers on its next heartbeat) and ${restored.canaries.length} canary policies`,
      );
    await this.reloadSlos();
    const { config } = this.runtime;
    if (config.CONTROLLER_SLO_WATCH)
      this.stopWatching = this.runtime.sloSource.watch(() => void this.reloadSlos());
    if (this.runtime.timers === false) return;
    this.every(config.CONTROLLER_SWEEP_INTERVAL, () => this.sweep());
    this.every(config.CONTROLLER_HEARTBEAT_FLUSH_INTERVAL, () => this.flushHeartbeats());
    this.every(config.CONTROLLER_SLO_CHECK_INTERVAL, () => this.checkSlos());
    this.every(IDEMPOTENCY_CLEANUP_INTERVAL_MS, () => this.cleanupIdempotency());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopWatching?.();
    await this.flushHeartbeats();
    await this.runtime.registryStore.close();
    await this.runtime.onClose?.();
  }

  /** Removes workers that stopped heartbeating (and restored ones that never re-registered). */
  async sweep(): Promise<string[]> {
    const removed = await this.guard('sweep', () => this.directory.sweep(this.now()), []);
    if (removed.length > 0) {
      this.metrics.workersSwept.inc(removed.length);
      const detail = `removed ${removed.length} stale workers: ${removed.slice(0, 20).join(', ')}${removed.length > 20 ? ', …' : ''}`;
      this.logger.warn(detail);
      this.events.record('workers.swept', detail, {
        data: { worker_ids: removed.slice(0, 100), count: removed.length },
      });
    }
    return removed;
  }

  async flushHeartbeats(): Promise<void> {
    await this.guard('heartbeat', () => this.directory.flushHeartbeats(), 0);
  }

  /** Reads the SLO directory again; invalid files are reported and skipped, valid ones replace the old. */
  async reloadSlos(): Promise<SloLoadReport> {
    const report = await this.runtime.sloSource.load();
    this.slos.replace(report);
    this.lastSloLoad = report;
    const errors = report.issues.filter((i) => i.severity === 'error');
    this.metrics.sloFilesInvalid.set(new Set(errors.map((i) => i.file)).size);
    for (const issue of report.issues)
      this.logger[issue.severity === 'error' ? 'error' : 'warn'](
        `SLO file ${issue.file}${issue.line === undefined ? '' : `:${issue.line}`} ${issue.path}: ${issue.reason}`,
      );
    const detail = `loaded ${report.definitions.length} SLO definitions from ${report.directory} (${report.files} files, ${errors.length} errors)`;
    this.logger.log(detail);
    this.events.record('slo.reloaded', detail, {
      data: { loaded: report.definitions.map((d) => d.loaded.key), errors: errors.length },
    });
    return report;
  }

  lastSloReport(): SloLoadReport | undefined {
    return this.lastSloLoad;
  }

  /** Compliance of every capability with an SLO (metrics, logs), then canary health and rollbacks. */
  async checkSlos(): Promise<void> {
    const now = this.now();
    const violatingNow = new Set<string>();
    for (const evaluation of this.slos.check(now)) {
      for (const violation of evaluation.violations)
        this.metrics.sloViolations.inc({
          capability: evaluation.capability,
          metric: violation.metric === 'availability' ? 'availability' : 'latency',
        });
      if (evaluation.violations.length === 0) continue;
      violatingNow.add(evaluation.capability);
      const detail = `SLO violation on ${evaluation.capability} (${evaluation.enforcing ? 'enforced: low-priority requests are shed' : evaluation.inGrace ? 'in grace period: log only' : 'log only'}): ${evaluation.violations.map((v) => v.message).join('; ')}`;
      this.logger.warn(detail);
      if (!this.violating.has(evaluation.capability))
        this.events.record('slo.violated', detail, {
          capability: evaluation.capability,
          data: { enforcing: evaluation.enforcing, violations: evaluation.violations },
        });
    }
    for (const capability of this.violating)
      if (!violatingNow.has(capability))
        this.events.record('slo.recovered', `${capability} meets its SLO again`, { capability });
    this.violating = violatingNow;
    const rollbacks = this.canaries.check(
      now,
      (capability, version) => this.slos.snapshot(capability, now, version),
      (capability) => this.slos.canaryTargets(capability),
    );
    for (const rollback of rollbacks) {
      this.metrics.canaryRollbacks.inc({ capability: rollback.capability });
      this.metrics.canaryPercentage.set({ capability: rollback.capability }, 0);
      const detail = `canary of ${rollback.capability} rolled back to 0 %: ${rollback.reason}`;
      this.logger.error(detail);
      this.events.record('canary.rolled_back', detail, {
        capability: rollback.capability,
        data: {
          stable_version: rollback.stored.policy.stableVersion,
          canary_version: rollback.stored.policy.canaryVersion,
          reason: rollback.reason,
        },
      });
      await this.guard(
        'canary',
        () => this.runtime.registryStore.saveCanary(rollback.stored),
        undefined,
      );
    }
  }

  async cleanupIdempotency(): Promise<void> {
    await this.guard('idempotency', () => this.idempotency.cleanupExpired(), undefined);
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void task().finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async guard<T>(operation: string, task: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await task();
    } catch (error) {
      this.metrics.storeErrors.inc({ operation });
      this.logger.error(
        `${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return fallback;
    }
  }
}
