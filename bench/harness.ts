/**
 * Shared benchmark harness. Each benchmark measures with `measure()`, then calls `report()`,
 * which prints the final line `BENCH <name> <json>` and writes `bench/results/<name>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Timing {
  /** Number of timed iterations. */
  readonly iterations: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samplesMs: readonly number[]): Timing {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return {
    iterations: sorted.length,
    minMs: round(sorted[0]),
    meanMs: round(mean),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/**
 * Runs `fn` `warmup` times untimed, then `iterations` times timed with process.hrtime.
 * The value each call returns is kept in a sink so the JIT cannot drop the work.
 */
export function measure(
  fn: () => unknown,
  options: { warmup?: number; iterations: number },
): Timing {
  const { warmup = 3, iterations } = options;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    sink = fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  blackhole(sink);
  return summarize(samples);
}

let hole: unknown;
/** Keeps a value observable so the optimiser cannot eliminate the work that made it. */
export function blackhole(value: unknown): void {
  hole = value;
}
export function lastBlackholed(): unknown {
  return hole;
}

export function machine(): { cpu: string; cores: number; memoryGiB: number; node: string } {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Prints `BENCH <name> <json>` as the last line and writes bench/results/<name>.json. */
export function report(name: string, result: Record<string, unknown>): void {
  const body = { name, at: new Date().toISOString(), machine: machine(), ...result };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(body, null, 2) + '\n');
  console.log(`BENCH ${name} ${JSON.stringify(result)}`);
}

/** Seeded PRNG (mulberry32) so every run builds the same inputs; the one @slo-engine/drift ships. */
export { seededRandom } from '@slo-engine/drift';

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
