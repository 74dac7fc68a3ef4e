/**
 * A real Prometheus for the telemetry benchmarks: `startPrometheus` of @slo-engine/testing
 * (OpenMetrics text in one or more parts, each turned into TSDB blocks by its own promtool run,
 * all served from one data directory), plus what a benchmark measures on top of it: the size of
 * the text, promtool's peak memory, the TSDB size, Prometheus' own peak RSS and metrics. And the
 * synthetic fleet both telemetry benchmarks backfill, built from their graph.
 *
 * Parts cover the same time range, so their blocks overlap: Prometheus 2.39+ serves overlapping
 * blocks (merging them at query time) and compacts them vertically from its first compaction
 * cycle, one minute after start. `waitForCompaction()` waits until that is over, so a benchmark
 * measures the TSDB a long-running server would have.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SyntheticFleet } from '@slo-engine/adapters';
import { type OpenMetricsSource, startPrometheus } from '@slo-engine/testing';

/** A graph as POST /api/v1/services/dependencies takes it. */
export interface IngestGraph {
  readonly nodes: readonly { service_id: string; metadata: Record<string, unknown> }[];
  readonly edges: readonly {
    source: string;
    target: string;
    attributes: Record<string, unknown>;
  }[];
}

/**
 * The synthetic fleet of `graph` as the API models a stored graph: its services (external where
 * `service_type` says so) and its edges with their criticality.
 */
export function syntheticFleetOf(
  graph: IngestGraph,
  options: { readonly seed: string; readonly origin: Date },
): SyntheticFleet {
  return new SyntheticFleet({
    services: graph.nodes.map((node) => ({
      serviceId: node.service_id,
      metadata:
        node.metadata.service_type === 'external'
          ? { ...node.metadata, serviceType: 'external' }
          : node.metadata,
    })),
    edges: graph.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      criticality: edge.attributes.criticality as 'hard' | 'soft',
    })),
    seed: options.seed,
    origin: options.origin,
  });
}

export interface BackfilledPrometheus {
  readonly url: string;
  readonly pid: number;
  readonly stats: {
    readonly parts: number;
    /** Bytes of OpenMetrics text, all parts. */
    readonly openMetricsBytes: number;
    /** Wall time of writing and converting every part (the two overlap). */
    readonly backfillMs: number;
    /** Generating and writing the text, all parts. */
    readonly writeMs: number;
    /** promtool, all parts. */
    readonly promtoolMs: number;
    /** Largest peak RSS of one promtool run (MiB). */
    readonly promtoolPeakRssMiB: number;
    /** From spawning Prometheus to `/-/ready`. */
    readonly startMs: number;
    /** Size of the backfilled blocks on disk (MiB). */
    readonly tsdbMiB: number;
  };
  /** Prometheus' peak resident set so far (VmHWM, MiB), or null where /proc is missing. */
  peakRssMiB(): number | null;
  /** Reads a metric of Prometheus' own /metrics (sum over its series), or null. */
  selfMetric(name: string): Promise<number | null>;
  /**
   * Waits until at least one compaction ran and none has run or been writing a block for
   * `quietMs` (or `timeoutMs` passed). Returns how long it waited and how many compactions ran.
   */
  waitForCompaction(options?: {
    quietMs?: number;
    timeoutMs?: number;
  }): Promise<{ waitedMs: number; compactions: number }>;
  stop(): Promise<void>;
}

function procRssMiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** MiB of the blocks in a TSDB directory (the directories with a meta.json; not the WAL). */
function blocksMiB(dataDir: string): number {
  let bytes = 0;
  const walk = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else bytes += stat.size;
  };
  for (const entry of readdirSync(dataDir)) {
    if (existsSync(join(dataDir, entry, 'meta.json'))) walk(join(dataDir, entry));
  }
  return Math.round(bytes / 2 ** 20);
}

export async function startBackfilledPrometheus(
  parts: readonly OpenMetricsSource[],
  options: { readonly maxBlockDuration?: string; readonly log?: (line: string) => void } = {},
): Promise<BackfilledPrometheus> {
  const log = options.log ?? ((line: string) => console.error(line));
  /** Peak RSS of each part's promtool run, sampled from /proc while it runs. */
  const promtoolPeaks: number[] = [];
  const prometheus = await startPrometheus({
    openMetricsParts: parts,
    maxBlockDuration: options.maxBlockDuration,
    // A part of a few GB takes minutes.
    promtoolTimeoutMs: 60 * 60_000,
    readyTimeoutMs: 120_000,
    onPromtool: (child, index) => {
      promtoolPeaks[index] = 0;
      const poll = setInterval(() => {
        promtoolPeaks[index] = Math.max(promtoolPeaks[index], procRssMiB(child.pid, 'VmHWM') ?? 0);
      }, 200);
      child.once('exit', () => clearInterval(poll));
    },
    onPartBackfilled: (part) =>
      log(
        `backfill part ${part.index + 1}/${parts.length}: ${Math.round(part.bytes / 2 ** 20)} MiB of OpenMetrics, promtool ${part.promtoolMs} ms, peak ${promtoolPeaks[part.index]} MiB`,
      ),
  });
  const { url, pid } = prometheus;
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

  const selfMetric = async (name: string): Promise<number | null> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    let total: number | null = null;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
        total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  };

  return {
    url,
    pid,
    stats: {
      parts: parts.length,
      openMetricsBytes: sum(prometheus.parts.map((part) => part.bytes)),
      backfillMs: prometheus.timings.backfillMs,
      writeMs: sum(prometheus.parts.map((part) => part.writeMs)),
      promtoolMs: sum(prometheus.parts.map((part) => part.promtoolMs)),
      promtoolPeakRssMiB: Math.max(0, ...promtoolPeaks),
      startMs: prometheus.timings.startMs,
      tsdbMiB: blocksMiB(prometheus.dataDir),
    },
    peakRssMiB: () => procRssMiB(pid, 'VmHWM'),
    selfMetric,
    waitForCompaction: async ({ quietMs = 5_000, timeoutMs = 240_000 } = {}) => {
      const started = Date.now();
      const count = async (): Promise<number> =>
        (await selfMetric('prometheus_tsdb_compactions_total')) ?? 0;
      const first = await count();
      let last = first;
      let quietSince = Date.now();
      while (Date.now() - started < timeoutMs) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const now = await count();
        const populating = (await selfMetric('prometheus_tsdb_compaction_populating_block')) ?? 0;
        if (now !== last || populating > 0) quietSince = Date.now();
        last = now;
        if (last > first && Date.now() - quietSince >= quietMs) break;
      }
      return { waitedMs: Date.now() - started, compactions: last - first };
    },
    stop: () => prometheus.stop(),
  };
}
