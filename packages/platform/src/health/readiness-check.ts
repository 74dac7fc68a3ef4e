/**
 * One dependency the app needs before it can serve (database, Redis, Prometheus). Implement it as
 * an injectable class and list it in `HealthModule.forRoot({ checks })`:
 *
 * ```ts
 * @Injectable()
 * export class DatabaseReadinessCheck extends ReadinessCheck {
 *   readonly name = 'database';
 *   constructor(private readonly dataSource: DataSource) { super(); }
 *   async check(): Promise<void> { await this.dataSource.query('SELECT 1'); }
 * }
 * ```
 */
export abstract class ReadinessCheck {
  /** Shown in the readiness report, e.g. `database`. */
  abstract readonly name: string;
  /** Resolves when the dependency is usable; throws (or rejects) with the reason otherwise. */
  abstract check(): Promise<void>;
}

export interface CheckReport {
  readonly name: string;
  readonly status: 'up' | 'down';
  readonly durationMs: number;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly status: 'ready' | 'unavailable';
  readonly checks: readonly CheckReport[];
}

/**
 * Runs every check in parallel, each bounded by `timeoutMs` (a hung connection must not hang the
 * probe), and reports each one's status, duration and error.
 */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
  now: () => number = () => performance.now(),
): Promise<ReadinessReport> {
  const reports = await Promise.all(
    checks.map(async (check): Promise<CheckReport> => {
      const started = now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
        return { name: check.name, status: 'up', durationMs: elapsed(started, now) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          name: check.name,
          status: 'down',
          durationMs: elapsed(started, now),
          error: message,
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    status: reports.every((r) => r.status === 'up') ? 'ready' : 'unavailable',
    checks: reports,
  };
}

function elapsed(started: number, now: () => number): number {
  return Math.round((now() - started) * 10) / 10;
}
