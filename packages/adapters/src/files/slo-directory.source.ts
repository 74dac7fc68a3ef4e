/**
 * The controller's SLO files (spec 000) read from one directory, and watched for changes.
 *
 * Loading reuses `loadSloDirectory` of `@slo-engine/slo-schema/files`, the loader `slo-check`
 * runs in CI, so the controller accepts exactly the files CI accepts and reports the same issues
 * (file, path, line, column). Decisions:
 * - Only the directory itself is read, not subdirectories: a Kubernetes ConfigMap mount keeps its
 *   data in hidden `..<timestamp>` subdirectories behind symlinks, and reading those would load
 *   every file twice. The top-level `*.yml` symlinks are followed.
 * - Two files declaring one `verb:name`: the first file in path order wins and the second is an
 *   error naming both (`indexSlos`). Loading neither would silently switch enforcement off for the
 *   capability; keeping one keeps the SLO CI checked (slo-check makes the same choice).
 * - A missing directory is a warning and an empty report (spec 000's SLOManager logged it and
 *   started without SLOs); a path that is not a readable directory is an error.
 * - `changedAt` is the file's mtime: the grace period of `enforcement` starts when the file last
 *   changed (a deploy that rewrites the file restarts it).
 */
import { type FSWatcher, statSync, watch as watchDirectory } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SloDefinitionSource, type SloDefinitionEntry, type SloLoadReport } from '@slo-engine/core';
import { type ValidationIssue } from '@slo-engine/slo-schema';
import { loadSloDirectory } from '@slo-engine/slo-schema/files';

/** What the watcher reports about itself; load problems are in the report, not logged here. */
export interface SloDirectoryLogger {
  info(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
}

export interface SloDirectorySourceOptions {
  /** Quiet time after the last file event before `onChange` runs. Default 250 ms. */
  readonly debounceMs?: number;
  /** While the directory is missing, how often to look for it again. Default 1,000 ms. */
  readonly pollIntervalMs?: number;
  readonly logger?: SloDirectoryLogger;
}

export const SLO_DIRECTORY_SOURCE_DEFAULTS = Object.freeze({
  debounceMs: 250,
  pollIntervalMs: 1_000,
});

const SILENT_LOGGER: SloDirectoryLogger = { info: () => {}, warn: () => {} };

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `positive`: a poll interval of 0 would turn the wait for a missing directory into a busy loop. */
function requireDuration(value: number, name: string, positive = false): number {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `SloDirectorySource: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${value}`,
    );
  }
  return value;
}

/** Device and inode: tells a recreated directory from the one a watcher was opened on. */
type DirectoryIdentity = string;

/**
 * Synchronous on purpose: `watch()` must have its watcher open when it returns, or writes made
 * right after the call would go unseen. One stat per burst of events costs nothing.
 */
function directoryIdentity(path: string): DirectoryIdentity | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

export class SloDirectorySource extends SloDefinitionSource {
  /** Absolute, so issues name files unambiguously and a later chdir changes nothing. */
  readonly directory: string;
  private readonly debounceMs: number;
  private readonly pollIntervalMs: number;
  private readonly logger: SloDirectoryLogger;

  constructor(directory: string, options: SloDirectorySourceOptions = {}) {
    super();
    if (typeof directory !== 'string' || directory === '') {
      throw new TypeError('SloDirectorySource: directory must be a non-empty string');
    }
    this.directory = resolve(directory);
    this.debounceMs = requireDuration(
      options.debounceMs ?? SLO_DIRECTORY_SOURCE_DEFAULTS.debounceMs,
      'debounceMs',
    );
    this.pollIntervalMs = requireDuration(
      options.pollIntervalMs ?? SLO_DIRECTORY_SOURCE_DEFAULTS.pollIntervalMs,
      'pollIntervalMs',
      true,
    );
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  async load(): Promise<SloLoadReport> {
    const directory = this.directory;
    if (await this.isMissing()) {
      return {
        directory,
        definitions: [],
        issues: [
          {
            file: directory,
            path: '',
            reason: 'SLO directory does not exist: no SLOs loaded',
            severity: 'warning',
          },
        ],
        files: 0,
      };
    }
    const loaded = await loadSloDirectory(directory, { recursive: false });
    const issues: ValidationIssue[] = [...loaded.issues, ...loaded.warnings];
    const stamped = await Promise.all(
      loaded.slos.map(async (slo) => {
        try {
          return { loaded: slo, changedAt: Math.floor((await stat(slo.file)).mtimeMs) };
        } catch (error) {
          // Removed between reading and stat: its own file event triggers the next reload.
          issues.push({
            file: slo.file,
            path: '',
            reason: `file disappeared while loading, skipped: ${describe(error)}`,
            severity: 'error',
          });
          return undefined;
        }
      }),
    );
    const definitions = stamped.filter((entry): entry is SloDefinitionEntry => entry !== undefined);
    return { directory, definitions, issues, files: loaded.files.length };
  }

  /**
   * Watches the directory (not its subdirectories) with `fs.watch` and calls `onChange` once per
   * burst of events, `debounceMs` after the last one. Any event counts, not only `*.yml` names:
   * a ConfigMap update only renames the hidden `..data` symlink. When the directory disappears
   * or is replaced by a new one, `onChange` runs and the watcher follows the path: it polls every
   * `pollIntervalMs` until the directory exists again, watches the new one and calls `onChange`.
   * Timers and the watcher do not keep the process alive; call the returned function to stop.
   */
  watch(onChange: () => void): () => void {
    const watch = new DirectoryWatch(this.directory, {
      debounceMs: this.debounceMs,
      pollIntervalMs: this.pollIntervalMs,
      logger: this.logger,
      onChange,
    });
    watch.start();
    return () => watch.stop();
  }

  private async isMissing(): Promise<boolean> {
    try {
      await stat(this.directory);
      return false;
    } catch (error) {
      // Other failures (EACCES, ENOTDIR) are real errors, reported by the loader as issues.
      return errorCode(error) === 'ENOENT';
    }
  }
}

interface DirectoryWatchSettings {
  readonly debounceMs: number;
  readonly pollIntervalMs: number;
  readonly logger: SloDirectoryLogger;
  readonly onChange: () => void;
}

/** One `watch()` call: a watcher on the directory, or a poll while the directory is missing. */
class DirectoryWatch {
  private watcher: FSWatcher | undefined;
  private watchedIdentity: DirectoryIdentity | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly directory: string,
    private readonly settings: DirectoryWatchSettings,
  ) {}

  start(): void {
    this.arm({ notify: false });
  }

  stop(): void {
    this.stopped = true;
    this.closeWatcher();
    clearTimeout(this.debounceTimer);
    clearInterval(this.pollTimer);
    this.debounceTimer = undefined;
    this.pollTimer = undefined;
  }

  /** Opens the watcher if the directory exists, else polls; `notify` reports a change once armed. */
  private arm({ notify }: { notify: boolean }): void {
    if (this.stopped) return;
    // Identity first: if the directory is replaced between stat and watch, the next event's
    // identity check sees the difference, while the other order could miss it for good.
    const identity = directoryIdentity(this.directory);
    if (identity === undefined) {
      this.startPolling();
      return;
    }
    try {
      const watcher = watchDirectory(this.directory, { persistent: false }, () => this.schedule());
      watcher.on('error', (error) => {
        this.settings.logger.warn(
          { directory: this.directory, error: describe(error) },
          'SLO directory watcher failed; checking the directory again',
        );
        this.closeWatcher();
        this.schedule();
      });
      this.watcher = watcher;
      this.watchedIdentity = identity;
    } catch (error) {
      this.settings.logger.warn(
        { directory: this.directory, error: describe(error) },
        'cannot watch the SLO directory; polling for it',
      );
      this.startPolling();
      return;
    }
    if (notify) this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.settle(), this.settings.debounceMs);
    this.debounceTimer.unref();
  }

  /** The burst is over: follow a removed or recreated directory, then report the change. */
  private settle(): void {
    this.debounceTimer = undefined;
    if (this.stopped) return;
    const identity = directoryIdentity(this.directory);
    if (identity === undefined) {
      this.closeWatcher();
      this.settings.logger.warn(
        { directory: this.directory },
        'SLO directory is gone; watching for it to come back',
      );
      this.startPolling();
    } else if (this.watcher === undefined || identity !== this.watchedIdentity) {
      this.closeWatcher();
      this.settings.logger.info({ directory: this.directory }, 'watching the new SLO directory');
      this.arm({ notify: false });
    }
    this.notify();
  }

  private startPolling(): void {
    if (this.stopped || this.pollTimer !== undefined) return;
    this.pollTimer = setInterval(() => {
      if (this.stopped || directoryIdentity(this.directory) === undefined) return;
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      this.settings.logger.info({ directory: this.directory }, 'SLO directory appeared');
      this.arm({ notify: true });
    }, this.settings.pollIntervalMs);
    this.pollTimer.unref();
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.watchedIdentity = undefined;
  }

  /** A throwing or rejecting listener is logged; it must not end the watch. */
  private notify(): void {
    const report = (error: unknown): void =>
      this.settings.logger.warn(
        { directory: this.directory, error: describe(error) },
        'SLO directory change listener failed',
      );
    try {
      const result: unknown = this.settings.onChange();
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}
