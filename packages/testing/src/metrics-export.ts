/**
 * Latency and availability measured by integration tests, written in the metrics-file format of
 * `slo-check` (spec 000, session 4) so CI can fail a build whose tests break an SLO file.
 *
 * Several test files (often in parallel Jest workers) add up to one metrics file. Percentiles of
 * the whole run cannot be computed from per-file percentiles, so the raw samples are kept beside
 * the metrics file in `<file>.samples.json`; each write merges its samples into that file under a
 * lock and regenerates the metrics file from all samples, with percentiles by exact sort (nearest
 * rank). The metrics file is therefore derived: delete both files before a run (CI starts clean),
 * or the new run's samples are added to the previous run's.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The variable naming the metrics file; unset or empty means "do not write". */
export const SLO_METRICS_OUTPUT_VARIABLE = 'SLO_METRICS_OUTPUT';

/** One capability's metrics as `slo-check` reads them (`verb:name` → these). */
export interface SloMetricsSummary {
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  /** Successful requests / all requests. */
  readonly availability: number;
  /** Not written to the metrics file (slo-check rejects unknown metric names); for assertions. */
  readonly requests: number;
}

export type SloMetricsExportErrorCode =
  'SLO_METRICS.INVALID_SAMPLE' | 'SLO_METRICS.CORRUPT_SAMPLES_FILE' | 'SLO_METRICS.LOCK_TIMEOUT';

export class SloMetricsExportError extends Error {
  constructor(
    readonly code: SloMetricsExportErrorCode,
    message: string,
  ) {
    super(`@slo-engine/testing: ${message}`);
    this.name = 'SloMetricsExportError';
  }
}

/** The key slo-check expects: `verb:name`, neither part empty nor holding `:` or whitespace. */
const CAPABILITY_KEY = /^[^:\s]+:[^:\s]+$/;
const SAMPLES_FORMAT = 'slo-engine/metrics-samples@1';
const LOCK_TIMEOUT_MS = 30_000;
const LOCK_RETRY_MS = 20;

interface CapabilitySamples {
  latencies_ms: number[];
  failures: number;
}

interface SamplesFile {
  format: typeof SAMPLES_FORMAT;
  capabilities: Record<string, CapabilitySamples>;
}

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest value with at least
 * `percentile` % of the values at or below it, so the answer is always a measured value.
 */
export function nearestRankPercentile(sorted: readonly number[], percentile: number): number {
  if (sorted.length === 0) {
    throw new SloMetricsExportError(
      'SLO_METRICS.INVALID_SAMPLE',
      'no samples to take a percentile of',
    );
  }
  if (!(percentile > 0 && percentile <= 100)) {
    throw new SloMetricsExportError(
      'SLO_METRICS.INVALID_SAMPLE',
      `percentile must be in (0, 100], got ${percentile}`,
    );
  }
  // Rounded first so 95 % of 100 samples is rank 95, not 96 from 95.00000000000001.
  const rank = Math.ceil(Number(((percentile / 100) * sorted.length).toFixed(9)));
  return sorted[Math.max(rank, 1) - 1];
}

function summarize(samples: CapabilitySamples): SloMetricsSummary {
  const sorted = [...samples.latencies_ms].sort((a, b) => a - b);
  const requests = sorted.length;
  return {
    p50_ms: nearestRankPercentile(sorted, 50),
    p95_ms: nearestRankPercentile(sorted, 95),
    p99_ms: nearestRankPercentile(sorted, 99),
    availability: (requests - samples.failures) / requests,
    requests,
  };
}

function summarizeAll(
  capabilities: Readonly<Record<string, CapabilitySamples>>,
): Record<string, SloMetricsSummary> {
  const summary: Record<string, SloMetricsSummary> = {};
  for (const key of Object.keys(capabilities).sort()) {
    if (capabilities[key].latencies_ms.length > 0) summary[key] = summarize(capabilities[key]);
  }
  return summary;
}

/** YAML that `slo-check` reads; keys are JSON-quoted, which is valid YAML for any `verb:name`. */
function metricsYaml(
  summary: Readonly<Record<string, SloMetricsSummary>>,
  samplesFile: string,
): string {
  const requests = Object.values(summary).reduce((sum, s) => sum + s.requests, 0);
  const lines = [
    `# Written by SloMetricsRecorder (@slo-engine/testing) from ${requests} requests;`,
    `# raw samples in ${samplesFile}. Regenerated on every write: do not edit.`,
  ];
  for (const [key, s] of Object.entries(summary)) {
    lines.push(`${JSON.stringify(key)}:`);
    lines.push(`  p50_ms: ${s.p50_ms}`, `  p95_ms: ${s.p95_ms}`, `  p99_ms: ${s.p99_ms}`);
    lines.push(`  availability: ${s.availability}`);
  }
  if (Object.keys(summary).length === 0) lines.push('{}');
  return lines.join('\n') + '\n';
}

function isCapabilitySamples(value: unknown): value is CapabilitySamples {
  const v = value as Partial<CapabilitySamples> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.latencies_ms) &&
    v.latencies_ms.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0) &&
    Number.isInteger(v.failures) &&
    (v.failures as number) >= 0 &&
    (v.failures as number) <= v.latencies_ms.length
  );
}

async function readSamplesFile(path: string): Promise<SamplesFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      return { format: SAMPLES_FORMAT, capabilities: {} };
    }
    throw error;
  }
  const corrupt = (why: string): SloMetricsExportError =>
    new SloMetricsExportError(
      'SLO_METRICS.CORRUPT_SAMPLES_FILE',
      `${path} ${why}; delete it and the metrics file beside it, then run the tests again`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt('is not JSON');
  }
  const file = parsed as Partial<SamplesFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== SAMPLES_FORMAT) {
    throw corrupt(`is not a ${SAMPLES_FORMAT} file`);
  }
  const capabilities = file.capabilities;
  if (typeof capabilities !== 'object' || capabilities === null)
    throw corrupt('has no capabilities');
  for (const [key, samples] of Object.entries(capabilities)) {
    if (!CAPABILITY_KEY.test(key) || !isCapabilitySamples(samples)) {
      throw corrupt(`has invalid samples for ${JSON.stringify(key)}`);
    }
  }
  return { format: SAMPLES_FORMAT, capabilities };
}

/** Write-then-rename, so slo-check (or a parallel writer) never reads half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * An exclusive lock between processes (Jest workers) on one host: a lock file created with `wx`
 * holding the owner's pid. A lock whose owner died (a crashed worker) is broken.
 */
async function withFileLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && !processIsAlive(owner)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new SloMetricsExportError(
        'SLO_METRICS.LOCK_TIMEOUT',
        `${lockPath} held for over ${LOCK_TIMEOUT_MS} ms; delete it if no test run is writing metrics`,
      );
    }
    await new Promise((done) => setTimeout(done, LOCK_RETRY_MS + Math.random() * LOCK_RETRY_MS));
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/**
 * Records request outcomes per capability during a test file and writes them, merged with what
 * earlier test files wrote, when `SLO_METRICS_OUTPUT` names a file. Latency counts every request,
 * failed or not, as the controller's `controller_slo_latency_seconds` histogram does, so the CI
 * gate measures what production dashboards show.
 */
export class SloMetricsRecorder {
  private samples = new Map<string, CapabilitySamples>();

  /** One request to `capability` (`verb:name`) that took `latencyMs` and succeeded if `ok`. */
  record(capability: string, latencyMs: number, ok: boolean): void {
    if (typeof capability !== 'string' || !CAPABILITY_KEY.test(capability)) {
      throw new SloMetricsExportError(
        'SLO_METRICS.INVALID_SAMPLE',
        `capability must look like verb:name, got ${JSON.stringify(capability)}`,
      );
    }
    if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new SloMetricsExportError(
        'SLO_METRICS.INVALID_SAMPLE',
        `latencyMs must be a finite number ≥ 0, got ${latencyMs}`,
      );
    }
    if (typeof ok !== 'boolean') {
      throw new SloMetricsExportError('SLO_METRICS.INVALID_SAMPLE', 'ok must be a boolean');
    }
    let entry = this.samples.get(capability);
    if (entry === undefined) {
      entry = { latencies_ms: [], failures: 0 };
      this.samples.set(capability, entry);
    }
    entry.latencies_ms.push(latencyMs);
    if (!ok) entry.failures++;
  }

  /** The metrics of what this recorder holds (not yet written), by capability in key order. */
  summary(): Record<string, SloMetricsSummary> {
    return summarizeAll(Object.fromEntries(this.samples));
  }

  /**
   * When `env.SLO_METRICS_OUTPUT` names a file (relative to the working directory), merges this
   * recorder's samples into `<file>.samples.json`, rewrites `<file>` from all samples and empties
   * the recorder (so a second call adds nothing twice). Returns the absolute path written, or
   * undefined when the variable is unset. Safe to call from parallel Jest workers.
   */
  async writeIfRequested(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
    const requested = env[SLO_METRICS_OUTPUT_VARIABLE]?.trim();
    if (!requested) return undefined;
    const output = resolve(process.cwd(), requested);
    const samplesPath = `${output}.samples.json`;
    await mkdir(dirname(output), { recursive: true });
    await withFileLock(`${output}.lock`, async () => {
      const merged = await readSamplesFile(samplesPath);
      for (const [key, mine] of this.samples) {
        const into = (merged.capabilities[key] ??= { latencies_ms: [], failures: 0 });
        for (const latency of mine.latencies_ms) into.latencies_ms.push(latency);
        into.failures += mine.failures;
      }
      await writeAtomically(samplesPath, JSON.stringify(merged) + '\n');
      await writeAtomically(output, metricsYaml(summarizeAll(merged.capabilities), samplesPath));
    });
    this.samples = new Map();
    return output;
  }
}
