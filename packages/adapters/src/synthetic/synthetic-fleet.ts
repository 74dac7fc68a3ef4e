/**
 * A seeded, pure model of a fleet's telemetry: per service and per hour, request counts, a latency
 * histogram and CPU throttling, with incidents (frequent small, rare large), slow drift, and
 * failures that propagate along hard dependencies. The embedded mode's `TelemetrySource`, the
 * OpenMetrics writer (to backfill a real Prometheus) and recommendation backtests all read this
 * one model, so they see the very same numbers.
 *
 * Determinism: every value is a pure function of (seed, topology, service, hour). Per-service
 * parameters come from (seed, serviceId) alone; per-hour noise from (seed, serviceId, hour);
 * incidents from (seed, serviceId, week). Propagated values are computed one week ("block") at a
 * time for every service and cached (LRU, bounded), so a value never depends on which blocks
 * were computed before or in which order calls arrive.
 */
import { type ServiceArchetype } from '@slo-engine/core';
import { DirectedGraph, stronglyConnectedComponents } from '@slo-engine/graph';

import {
  Prng,
  hashString,
  mix32,
  normalCdfFast,
  normalFromHash,
  poissonFromHash,
  unitFromHash,
} from './prng';

export const SECONDS_PER_HOUR = 3_600;

/** Upper bounds of the latency histogram in seconds, Prometheus' usual set plus `+Inf`. */
export const LATENCY_BUCKET_BOUNDS_SECONDS: readonly number[] = Object.freeze([
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  Infinity,
]);

/** The same bounds in milliseconds (the port's `boundsMs`), ending with `Infinity`. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = Object.freeze([
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1_000,
  2_500,
  5_000,
  10_000,
  Infinity,
]);

const BUCKETS = LATENCY_BUCKET_BOUNDS_MS.length;
const LOG_BOUNDS_MS = LATENCY_BUCKET_BOUNDS_MS.slice(0, BUCKETS - 1).map((b) => Math.log(b));

/** Hours per cached block of propagated values (one week). */
export const BLOCK_HOURS = 168;
/** Hours per incident epoch: incidents of a service are drawn per (seed, service, epoch). */
const EPOCH_HOURS = 168;
const EPOCH_SECONDS = EPOCH_HOURS * SECONDS_PER_HOUR;

const ERROR_PREFIX = '@slo-engine/adapters: synthetic fleet: ';

export type SyntheticEdgeCriticality = 'hard' | 'soft' | 'degraded';

/** A service of the fleet; `GraphSubmission['nodes'][number]` fits. */
export interface SyntheticServiceInput {
  readonly serviceId: string;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
}

/**
 * A dependency `source → target` (caller → callee); `GraphSubmission['edges'][number]` fits.
 * Attributes may be given flat or under `attributes` (flat wins); missing criticality = `hard`.
 */
export interface SyntheticEdgeInput {
  readonly source: string;
  readonly target: string;
  readonly criticality?: SyntheticEdgeCriticality;
  readonly redundancyGroup?: string | null;
  readonly attributes?: {
    readonly criticality?: SyntheticEdgeCriticality;
    readonly redundancyGroup?: string | null;
  };
}

/** A slow, repeating creep: linear ramp over `rampHours`, held until the period ends, reset. */
export interface SyntheticDrift {
  /** `errors`: the baseline error ratio creeps up; `latency`: the latency median does. */
  readonly kind: 'errors' | 'latency';
  readonly periodHours: number;
  readonly rampHours: number;
  /** Factor reached at the end of the ramp (errors: × the service's own baseline ratio). */
  readonly multiplier: number;
  /** Shift of the sawtooth, so services do not all reset at once. */
  readonly phaseHours: number;
}

/** Per-service choices that replace what the seed would draw. */
export interface SyntheticServiceOverrides {
  /** Telemetry exists from this instant on (default: the fleet's origin); for cold-start demos. */
  readonly firstSeenAt?: Date;
  readonly archetype?: ServiceArchetype;
  /** Requests per second at an average hour, after traffic inherited from callers. */
  readonly baseRps?: number;
  /** The service's own baseline error ratio (dependencies add to it). */
  readonly baselineErrorRatio?: number;
  readonly latencyMedianMs?: number;
  /** σ of the log-normal latency distribution. */
  readonly latencySigma?: number;
  readonly smallIncidentsPerWeek?: number;
  readonly largeIncidentIntervalDays?: number;
  /** `null`: no drift. */
  readonly drift?: SyntheticDrift | null;
  /** CFS-throttled seconds per second (summed over pods) at peak load. */
  readonly throttledSecondsPerSecond?: number;
}

/** Fleet-wide knobs; each `[min, max]` is the range per-service values are drawn from. */
export interface SyntheticFleetTuning {
  readonly smallIncidentsPerWeek: number;
  readonly smallIncidentMinutes: readonly [number, number];
  readonly smallIncidentErrorRatio: readonly [number, number];
  readonly smallIncidentLatencyFactor: readonly [number, number];
  readonly largeIncidentIntervalDays: readonly [number, number];
  readonly largeIncidentHours: readonly [number, number];
  readonly largeIncidentErrorRatio: readonly [number, number];
  readonly largeIncidentLatencyFactor: readonly [number, number];
  /** Share of services that drift. */
  readonly driftShare: number;
  readonly driftPeriodWeeks: readonly [number, number];
  readonly driftErrorMultiplier: readonly [number, number];
  readonly driftLatencyMultiplier: readonly [number, number];
  /** Share of a hard dependency's failing requests its caller surfaces, before normalisation. */
  readonly hardErrorShare: readonly [number, number];
  /** Cap on the sum of a caller's error shares (≤ 1 keeps propagation bounded on deep graphs). */
  readonly maxDependencyErrorShare: number;
  /** Part of dependencies' steady baseline errors that reaches callers (retries absorb the rest). */
  readonly baselinePassThrough: number;
  /** Share of a dependency's latency excess its caller inherits, before normalisation. */
  readonly latencyShare: readonly [number, number];
  /** Extra latency factor per unit of a failing soft/degraded dependency's error ratio (timeouts). */
  readonly softFailureLatencyPenalty: number;
  /** Share of services that are CPU-throttled noticeably. */
  readonly throttledShare: number;
  /** Cap on a service's base requests per second after inheriting traffic from callers. */
  readonly maxRps: number;
}

export const DEFAULT_SYNTHETIC_TUNING: Readonly<SyntheticFleetTuning> = Object.freeze({
  smallIncidentsPerWeek: 1,
  smallIncidentMinutes: [5, 60] as const,
  smallIncidentErrorRatio: [0.01, 0.05] as const,
  smallIncidentLatencyFactor: [1.2, 2] as const,
  largeIncidentIntervalDays: [30, 90] as const,
  largeIncidentHours: [1, 8] as const,
  largeIncidentErrorRatio: [0.2, 1] as const,
  largeIncidentLatencyFactor: [2, 6] as const,
  driftShare: 0.2,
  driftPeriodWeeks: [6, 16] as const,
  driftErrorMultiplier: [3, 10] as const,
  driftLatencyMultiplier: [1.3, 2.5] as const,
  hardErrorShare: [0.5, 1] as const,
  maxDependencyErrorShare: 1,
  baselinePassThrough: 0.2,
  latencyShare: [0.3, 0.8] as const,
  softFailureLatencyPenalty: 3,
  throttledShare: 0.3,
  maxRps: 5_000,
});

export interface SyntheticFleetOptions {
  readonly services: readonly SyntheticServiceInput[];
  readonly edges?: readonly SyntheticEdgeInput[];
  /** Any number or string; the same seed and topology always give the same fleet. */
  readonly seed: number | string;
  /** Hour 0 of the model, floored to a whole UTC hour; the default `firstSeenAt` of services. */
  readonly origin: Date;
  readonly overrides?:
    | ReadonlyMap<string, SyntheticServiceOverrides>
    | Readonly<Record<string, SyntheticServiceOverrides>>;
  readonly tuning?: Partial<SyntheticFleetTuning>;
  /**
   * Memory for cached blocks of propagated values (8 bytes per service-hour); default 128 MiB,
   * i.e. ≈ 19 weeks for 5,000 services. At least 2 blocks are always kept.
   */
  readonly cacheBytes?: number;
}

/** The parameters the model derived for one service (ground truth for tests and backtests). */
export interface SyntheticServiceProfile {
  readonly serviceId: string;
  readonly archetype: ServiceArchetype;
  readonly firstSeenAt: Date;
  /** Own traffic before inheritance, and the base after traffic inherited from callers. */
  readonly ownRps: number;
  readonly baseRps: number;
  readonly trafficShape: 'diurnal' | 'batch';
  /** Diurnal: relative amplitude and the UTC hour of the peak; batch: the window's first hour. */
  readonly diurnalAmplitude: number;
  readonly peakHourUtc: number;
  /** Traffic factor on Saturdays and Sundays. */
  readonly weekendFactor: number;
  readonly baselineErrorRatio: number;
  /** The baseline including what hard dependencies pass through (the floor of the error ratio). */
  readonly effectiveBaselineErrorRatio: number;
  readonly latencyMedianMs: number;
  readonly latencySigma: number;
  readonly smallIncidentsPerWeek: number;
  readonly largeIncidentIntervalDays: number;
  readonly drift: SyntheticDrift | null;
  readonly throttledSecondsPerSecond: number;
  readonly pods: number;
  /** `pod` label of the throttling series, e.g. `checkout-service-7d9f8c6b5-x2k4p`. */
  readonly podName: string;
}

/** One incident of one service (its own, not propagated), for ground truth. */
export interface SyntheticIncident {
  readonly serviceId: string;
  readonly kind: 'small' | 'large';
  readonly start: Date;
  readonly end: Date;
  /** Share of the service's requests failing while it lasts. */
  readonly errorRatio: number;
  /** Factor on the latency median while it lasts. */
  readonly latencyFactor: number;
}

/** One service-hour of the model. */
export interface SyntheticHour {
  readonly total: number;
  readonly good: number;
  /** Cumulative counts per `LATENCY_BUCKET_BOUNDS_MS` bound (`le` semantics); the last is `total`. */
  readonly latencyBucketCounts: readonly number[];
  /** Sum of the hour's latencies in seconds (the histogram's `_sum`). */
  readonly latencySumSeconds: number;
  /** CFS-throttled seconds of the hour, summed over pods. */
  readonly throttledSeconds: number;
  /** The error ratio the counts were drawn around (baseline, incidents, drift, dependencies). */
  readonly errorRatio: number;
  /** The latency median the histogram was drawn around. */
  readonly latencyMedianMs: number;
}

/** What `hourInto` fills; reuse one per loop to avoid allocation. */
export interface SyntheticHourScratch {
  total: number;
  good: number;
  readonly buckets: Float64Array;
  latencySumSeconds: number;
  throttledSeconds: number;
  errorRatio: number;
  latencyMedianMs: number;
}

/** Fields `hourInto` computes (counts always). */
export const HOUR_FIELDS = Object.freeze({ COUNTS: 1, LATENCY: 2, THROTTLING: 4, ALL: 7 });

export function createHourScratch(): SyntheticHourScratch {
  return {
    total: 0,
    good: 0,
    buckets: new Float64Array(BUCKETS),
    latencySumSeconds: 0,
    throttledSeconds: 0,
    errorRatio: 0,
    latencyMedianMs: 0,
  };
}

/** Sums over a time span; see `SyntheticFleet.integrate`. */
export interface SyntheticTotals {
  total: number;
  good: number;
  readonly buckets: Float64Array;
  latencySumSeconds: number;
  throttledSeconds: number;
  /** Seconds of the span with data (after clipping to `firstSeenAt`). */
  coveredSeconds: number;
}

export function createTotals(): SyntheticTotals {
  return {
    total: 0,
    good: 0,
    buckets: new Float64Array(BUCKETS),
    latencySumSeconds: 0,
    throttledSeconds: 0,
    coveredSeconds: 0,
  };
}

/** Zeroes an accumulator from {@link createTotals} for reuse. */
export function resetTotals(acc: SyntheticTotals): void {
  acc.total = 0;
  acc.good = 0;
  acc.buckets.fill(0);
  acc.latencySumSeconds = 0;
  acc.throttledSeconds = 0;
  acc.coveredSeconds = 0;
}

interface ServiceParams extends SyntheticServiceProfile {
  readonly hash: number;
  readonly firstSeenSec: number;
  readonly batch: boolean;
  /** Load factor at the busiest hour (throttling is given at peak load). */
  readonly peakLoad: number;
  /** `ln` of the latency median. */
  readonly logMedian: number;
  /** exp(σ²/2): mean / median of the log-normal. */
  readonly meanOverMedian: number;
  readonly inverseSigma: number;
  /** Traffic factor by UTC hour of day: weekdays at 0–23, weekends at 24–47. */
  readonly loadByHour: Float64Array;
}

interface Block {
  /** Excess error ratio (incidents, drift, propagated), service-major: `[i * BLOCK_HOURS + t]`. */
  readonly excess: Float32Array;
  /** Latency factor on the median (≥ 1 in practice). */
  readonly latency: Float32Array;
}

interface RawIncident {
  readonly kind: 'small' | 'large';
  readonly startSec: number;
  readonly endSec: number;
  readonly errorRatio: number;
  readonly latencyFactor: number;
}

const ARCHETYPES: readonly ServiceArchetype[] = [
  'api_gateway',
  'backend_service',
  'external_integration',
  'data_pipeline',
];

interface ArchetypeProfile {
  readonly ownRps: readonly [number, number];
  readonly baselineErrorRatio: readonly [number, number];
  readonly latencyMedianMs: readonly [number, number];
  readonly latencySigma: readonly [number, number];
  readonly pods: readonly [number, number];
}

/** Per-archetype ranges (log-uniform for rates, ratios and medians). */
export const ARCHETYPE_PROFILES: Readonly<Record<ServiceArchetype, ArchetypeProfile>> =
  Object.freeze({
    api_gateway: {
      ownRps: [50, 500],
      baselineErrorRatio: [1e-4, 6e-4],
      latencyMedianMs: [15, 60],
      latencySigma: [0.5, 0.8],
      pods: [4, 20],
    },
    backend_service: {
      ownRps: [2, 80],
      baselineErrorRatio: [5e-5, 8e-4],
      latencyMedianMs: [5, 40],
      latencySigma: [0.4, 0.8],
      pods: [2, 12],
    },
    external_integration: {
      ownRps: [1, 30],
      baselineErrorRatio: [3e-4, 3e-3],
      latencyMedianMs: [80, 400],
      latencySigma: [0.5, 0.9],
      pods: [1, 1],
    },
    data_pipeline: {
      ownRps: [0.2, 5],
      baselineErrorRatio: [5e-4, 5e-3],
      latencyMedianMs: [200, 2_000],
      latencySigma: [0.6, 1],
      pods: [2, 6],
    },
  });

/**
 * Which archetype a service plays: `metadata.archetype` when it names one; `external` service
 * type → external integration; "gateway" in the id or a metadata string → API gateway;
 * "pipeline", "batch" or "etl" → data pipeline; otherwise a backend service.
 */
export function detectArchetype(
  serviceId: string,
  metadata: Readonly<Record<string, unknown>> | null | undefined,
): ServiceArchetype {
  const explicit = metadata?.archetype;
  if (typeof explicit === 'string' && (ARCHETYPES as readonly string[]).includes(explicit)) {
    return explicit as ServiceArchetype;
  }
  if (metadata?.serviceType === 'external') return 'external_integration';
  const words = [serviceId];
  if (metadata) {
    for (const value of Object.values(metadata)) if (typeof value === 'string') words.push(value);
  }
  const text = words.join(' ').toLowerCase();
  if (text.includes('gateway')) return 'api_gateway';
  if (/(^|[^a-z])(pipelines?|batch|etl)/.test(text)) return 'data_pipeline';
  return 'backend_service';
}

// Independent random streams per service, so adding a draw to one never shifts another.
const STREAM_PARAMS = 0x5041524d;
const STREAM_SMALL = 0x534d4c4c;
const STREAM_LARGE = 0x4c524745;
const STREAM_EDGE = 0x45444745;
const STREAM_POD = 0x504f4421;

/** `Array.isArray` without narrowing (which would turn readonly arrays into `any[]`). */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function positiveMod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}

function checkRange(name: string, range: readonly [number, number], min: number): void {
  if (
    !isArray(range) ||
    range.length !== 2 ||
    !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) ||
    range[0] < min ||
    range[1] < range[0]
  ) {
    throw new RangeError(
      `${ERROR_PREFIX}tuning.${name} must be [min, max] with ${min} ≤ min ≤ max`,
    );
  }
}

function resolveTuning(partial: Partial<SyntheticFleetTuning> | undefined): SyntheticFleetTuning {
  const tuning: SyntheticFleetTuning = { ...DEFAULT_SYNTHETIC_TUNING, ...partial };
  checkRange('smallIncidentMinutes', tuning.smallIncidentMinutes, 1 / 60);
  checkRange('smallIncidentErrorRatio', tuning.smallIncidentErrorRatio, 0);
  checkRange('smallIncidentLatencyFactor', tuning.smallIncidentLatencyFactor, 1);
  checkRange('largeIncidentIntervalDays', tuning.largeIncidentIntervalDays, 1e-3);
  checkRange('largeIncidentHours', tuning.largeIncidentHours, 1 / 3600);
  checkRange('largeIncidentErrorRatio', tuning.largeIncidentErrorRatio, 0);
  checkRange('largeIncidentLatencyFactor', tuning.largeIncidentLatencyFactor, 1);
  checkRange('driftPeriodWeeks', tuning.driftPeriodWeeks, 1 / 168);
  checkRange('driftErrorMultiplier', tuning.driftErrorMultiplier, 1);
  checkRange('driftLatencyMultiplier', tuning.driftLatencyMultiplier, 1);
  checkRange('hardErrorShare', tuning.hardErrorShare, 0);
  checkRange('latencyShare', tuning.latencyShare, 0);
  if (tuning.smallIncidentErrorRatio[1] > 1 || tuning.largeIncidentErrorRatio[1] > 1) {
    throw new RangeError(`${ERROR_PREFIX}incident error ratios must lie in [0, 1]`);
  }
  if (
    tuning.largeIncidentHours[1] > EPOCH_HOURS ||
    tuning.smallIncidentMinutes[1] > 60 * EPOCH_HOURS
  ) {
    throw new RangeError(`${ERROR_PREFIX}incidents may last at most ${EPOCH_HOURS} hours`);
  }
  for (const key of [
    'smallIncidentsPerWeek',
    'driftShare',
    'maxDependencyErrorShare',
    'baselinePassThrough',
    'softFailureLatencyPenalty',
    'throttledShare',
    'maxRps',
  ] as const) {
    const value = tuning[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${ERROR_PREFIX}tuning.${key} must be a finite number ≥ 0`);
    }
  }
  for (const key of ['driftShare', 'baselinePassThrough', 'throttledShare'] as const) {
    if (tuning[key] > 1) throw new RangeError(`${ERROR_PREFIX}tuning.${key} must lie in [0, 1]`);
  }
  return tuning;
}

function overridesOf(
  overrides: SyntheticFleetOptions['overrides'],
  serviceId: string,
): SyntheticServiceOverrides | undefined {
  if (!overrides) return undefined;
  if (overrides instanceof Map) {
    return (overrides as ReadonlyMap<string, SyntheticServiceOverrides>).get(serviceId);
  }
  const record = overrides as Readonly<Record<string, SyntheticServiceOverrides>>;
  return Object.prototype.hasOwnProperty.call(record, serviceId) ? record[serviceId] : undefined;
}

function loadTable(
  batch: boolean,
  amplitude: number,
  peakHourUtc: number,
  weekendFactor: number,
): Float64Array {
  const table = new Float64Array(48);
  for (let hour = 0; hour < 24; hour++) {
    const load = batch
      ? positiveMod(hour - peakHourUtc, 24) < 4
        ? 3.5
        : 0.3
      : 1 + amplitude * Math.cos((2 * Math.PI * (hour + 0.5 - peakHourUtc)) / 24);
    table[hour] = load;
    table[24 + hour] = load * weekendFactor;
  }
  return table;
}

const POD_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function podNameFor(serviceId: string, hash: number): string {
  const rng = new Prng(mix32(hash, STREAM_POD));
  let replicaSet = '';
  for (let i = 0; i < 9; i++) replicaSet += (rng.nextUint32() % 16).toString(16);
  let pod = '';
  for (let i = 0; i < 5; i++) pod += POD_ALPHABET[rng.nextUint32() % POD_ALPHABET.length];
  return `${serviceId}-${replicaSet}-${pod}`;
}

/**
 * The fleet model. Build it once per (seed, topology); every accessor is deterministic.
 * `hour(serviceId, h)` is the model's grain: hour `h` covers [origin + h h, origin + (h + 1) h).
 */
export class SyntheticFleet {
  /** The origin floored to a whole UTC hour. */
  readonly origin: Date;
  readonly seed: number | string;
  readonly tuning: Readonly<SyntheticFleetTuning>;
  /** Service ids in index order: the given services, then edge endpoints not among them. */
  readonly serviceIds: readonly string[];
  /** Cycles (strongly connected components with more than one member) whose loops were cut. */
  readonly cycles: readonly (readonly string[])[];

  private readonly originMs: number;
  private readonly originEpochHour: number;
  private readonly index = new Map<string, number>();
  private readonly params: ServiceParams[] = [];
  /** Processing order: dependencies before callers; cycles cut at DFS back edges. */
  private readonly order: Int32Array;
  // Kept hard-dependency groups per service (CSR over service index).
  private readonly groupStart: Int32Array;
  private readonly groupShare: Float64Array;
  private readonly groupBaseline: Float64Array;
  private readonly groupConstant: Float64Array;
  private readonly memberStart: Int32Array;
  private readonly members: Int32Array;
  // Kept latency edges per service (CSR over service index).
  private readonly latencyStart: Int32Array;
  private readonly latencyTarget: Int32Array;
  private readonly latencyWeight: Float64Array;
  private readonly latencySoft: Uint8Array;
  private readonly maxIncidentSeconds: number;

  private readonly blocks = new Map<number, Block>();
  private lastBlockIndex = Number.NaN;
  private lastBlock: Block | undefined;
  private maxBlocks: number;
  private readonly scratch = createHourScratch();
  private readonly rowSurvival = new Float64Array(BLOCK_HOURS);
  private readonly rowLatency = new Float64Array(BLOCK_HOURS);
  private readonly rowGroup = new Float64Array(BLOCK_HOURS);

  constructor(options: SyntheticFleetOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${ERROR_PREFIX}options are required`);
    }
    const { services, edges = [], seed, origin } = options;
    if (!(origin instanceof Date) || Number.isNaN(origin.getTime())) {
      throw new TypeError(`${ERROR_PREFIX}origin must be a valid Date`);
    }
    if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
      throw new TypeError(`${ERROR_PREFIX}seed must be a finite number or a string`);
    }
    if (!isArray(services)) throw new TypeError(`${ERROR_PREFIX}services must be an array`);
    if (!isArray(edges)) throw new TypeError(`${ERROR_PREFIX}edges must be an array`);
    this.seed = seed;
    this.tuning = Object.freeze(resolveTuning(options.tuning));
    this.originMs = Math.floor(origin.getTime() / 3_600_000) * 3_600_000;
    this.origin = new Date(this.originMs);
    this.originEpochHour = this.originMs / 3_600_000;
    const seedHash = hashString(`seed:${String(seed)}`);

    // Services: given ones (metadata of repeats merged key by key), then unknown edge endpoints.
    const ids: string[] = [];
    const metadata: Record<string, unknown>[] = [];
    const addService = (id: unknown, where: string): number => {
      if (typeof id !== 'string') throw new TypeError(`${ERROR_PREFIX}${where} must be a string`);
      let i = this.index.get(id);
      if (i === undefined) {
        i = ids.length;
        this.index.set(id, i);
        ids.push(id);
        metadata.push({});
      }
      return i;
    };
    services.forEach((service, k) => {
      const i = addService(service?.serviceId, `services[${k}].serviceId`);
      if (service.metadata) Object.assign(metadata[i], service.metadata);
    });
    const edgeSources: number[] = [];
    const edgeTargets: number[] = [];
    const edgeKinds: number[] = [];
    const edgeGroups: (string | null)[] = [];
    const seen = new Set<number>();
    const endpoints: [number, number][] = [];
    edges.forEach((edge, k) => {
      const s = addService(edge?.source, `edges[${k}].source`);
      const t = addService(edge?.target, `edges[${k}].target`);
      endpoints.push([s, t]);
    });
    const V = ids.length;
    edges.forEach((edge, k) => {
      const [s, t] = endpoints[k];
      const criticality = edge.criticality ?? edge.attributes?.criticality ?? 'hard';
      if (criticality !== 'hard' && criticality !== 'soft' && criticality !== 'degraded') {
        throw new RangeError(
          `${ERROR_PREFIX}edges[${k}].criticality must be hard, soft or degraded, got ${String(criticality)}`,
        );
      }
      const kind = criticality === 'hard' ? 0 : criticality === 'soft' ? 1 : 2;
      const key = s * V + t;
      if (seen.has(key)) return; // duplicate edge: the first one's attributes win
      seen.add(key);
      const group =
        edge.redundancyGroup !== undefined
          ? edge.redundancyGroup
          : (edge.attributes?.redundancyGroup ?? null);
      edgeSources.push(s);
      edgeTargets.push(t);
      edgeKinds.push(kind);
      edgeGroups.push(typeof group === 'string' && group !== '' ? group : null);
    });
    this.serviceIds = Object.freeze(ids.slice());

    // Processing order: components in Tarjan order (dependencies first); inside a cycle, the DFS
    // post-order from its lowest-index member, so only DFS back edges (the loop) are cut.
    const graph = DirectedGraph.fromIndexedEdges(ids, edgeSources, edgeTargets);
    const scc = stronglyConnectedComponents(graph);
    const order = new Int32Array(V);
    const pos = new Int32Array(V);
    const cycles: string[][] = [];
    {
      const visited = new Uint8Array(V);
      const stackNode = new Int32Array(V);
      const stackEdge = new Int32Array(V);
      let n = 0;
      for (let c = 0; c < scc.count; c++) {
        const from = scc.memberOffsets[c];
        const to = scc.memberOffsets[c + 1];
        if (to - from === 1) {
          order[n++] = scc.memberNodes[from];
          continue;
        }
        cycles.push(Array.from(scc.memberNodes.subarray(from, to), (m) => ids[m]));
        for (let k = from; k < to; k++) {
          const root = scc.memberNodes[k];
          if (visited[root]) continue;
          let sp = 0;
          stackNode[0] = root;
          stackEdge[0] = graph.outOffsets[root];
          visited[root] = 1;
          while (sp >= 0) {
            const v = stackNode[sp];
            const p = stackEdge[sp];
            if (p < graph.outOffsets[v + 1]) {
              stackEdge[sp] = p + 1;
              const w = graph.outTargets[p];
              if (scc.componentOf[w] === c && !visited[w]) {
                visited[w] = 1;
                sp++;
                stackNode[sp] = w;
                stackEdge[sp] = graph.outOffsets[w];
              }
            } else {
              order[n++] = v;
              sp--;
            }
          }
        }
      }
      for (let k = 0; k < V; k++) pos[order[k]] = k;
    }
    this.order = order;
    this.cycles = Object.freeze(cycles.map((members) => Object.freeze(members)));

    // Per-service parameters from (seed, serviceId).
    const tuning = this.tuning;
    const drawn: {
      hash: number;
      archetype: ServiceArchetype;
      ownRps: number;
      baseline: number;
      overrides: SyntheticServiceOverrides | undefined;
    }[] = [];
    for (let i = 0; i < V; i++) {
      const id = ids[i];
      const hash = hashString(id, seedHash);
      const o = overridesOf(options.overrides, id);
      const meta = metadata[i];
      const archetype = o?.archetype ?? detectArchetype(id, meta);
      const profile = ARCHETYPE_PROFILES[archetype];
      const rng = new Prng(mix32(hash, STREAM_PARAMS));
      const ownRps = rng.logUniform(profile.ownRps[0], profile.ownRps[1]);
      const drawnBaseline = rng.logUniform(
        profile.baselineErrorRatio[0],
        profile.baselineErrorRatio[1],
      );
      const slaShare = rng.uniform(0.1, 0.6);
      const sla = meta.publishedSla;
      const baseline =
        o?.baselineErrorRatio ??
        (archetype === 'external_integration' && typeof sla === 'number' && sla > 0 && sla < 1
          ? Math.max(1e-5, (1 - sla) * slaShare)
          : drawnBaseline);
      if (!(baseline >= 0 && baseline < 1)) {
        throw new RangeError(`${ERROR_PREFIX}baselineErrorRatio of "${id}" must lie in [0, 1)`);
      }
      drawn.push({ hash, archetype, ownRps, baseline, overrides: o });
    }

    // Dependency groups and latency edges, from the deduplicated edge list.
    const outStart = new Int32Array(V + 1);
    for (const s of edgeSources) outStart[s + 1]++;
    for (let i = 0; i < V; i++) outStart[i + 1] += outStart[i];
    const outEdges = new Int32Array(edgeSources.length);
    {
      const fill = outStart.slice(0, V);
      for (let e = 0; e < edgeSources.length; e++) outEdges[fill[edgeSources[e]]++] = e;
    }
    const edgeUnit = (s: number, key: string): number =>
      unitFromHash(mix32(mix32(drawn[s].hash, STREAM_EDGE), hashString(key)));

    const groupStart = new Int32Array(V + 1);
    const groupShare: number[] = [];
    const groupBaseline: number[] = [];
    const groupConstant: number[] = [];
    const memberStart: number[] = [0];
    const members: number[] = [];
    const latencyStart = new Int32Array(V + 1);
    const latencyTarget: number[] = [];
    const latencyWeight: number[] = [];
    const latencySoft: number[] = [];
    const effectiveBaseline = new Float64Array(V);
    const beta = tuning.baselinePassThrough;

    // Static baselines need dependencies first: walk the processing order, but store the CSR
    // rows by service index (rows are filled in processing order, so keep per-service lists).
    const groupRows: {
      share: number;
      baseline: number;
      constant: number;
      members: number[];
    }[][] = Array.from({ length: V }, () => []);
    const latencyRows: { target: number; weight: number; soft: boolean }[][] = Array.from(
      { length: V },
      () => [],
    );
    for (let k = 0; k < V; k++) {
      const s = order[k];
      const own = drawn[s].baseline;
      // Hard groups: label → edges; unlabeled hard edges are groups of one.
      const groups = new Map<string, number[]>();
      const latency: number[] = [];
      for (let p = outStart[s]; p < outStart[s + 1]; p++) {
        const e = outEdges[p];
        const t = edgeTargets[e];
        if (t === s) continue;
        latency.push(e);
        if (edgeKinds[e] !== 0) continue;
        const key = edgeGroups[e] !== null ? `g:${edgeGroups[e]}` : `t:${ids[t]}`;
        const list = groups.get(key);
        if (list) list.push(e);
        else groups.set(key, [e]);
      }
      const [shareMin, shareMax] = tuning.hardErrorShare;
      const units = [...groups.keys()].map(
        (key) => shareMin + (shareMax - shareMin) * edgeUnit(s, key),
      );
      const unitSum = units.reduce((a, b) => a + b, 0);
      const scale =
        unitSum > tuning.maxDependencyErrorShare ? tuning.maxDependencyErrorShare / unitSum : 1;
      let survival = 1 - own;
      let g = 0;
      for (const list of groups.values()) {
        const share = units[g++] * scale;
        const kept: number[] = [];
        let constant = 1;
        let baselineProduct = 1;
        for (const e of list) {
          const t = edgeTargets[e];
          if (pos[t] < pos[s]) {
            kept.push(t);
            baselineProduct *= effectiveBaseline[t];
          } else {
            // A loop edge (cut): the member counts as healthy at its own baseline.
            constant *= drawn[t].baseline;
          }
        }
        if (kept.length === 0) continue;
        baselineProduct *= constant;
        survival *= 1 - beta * share * baselineProduct;
        groupRows[s].push({ share, baseline: baselineProduct, constant, members: kept });
      }
      // Exactly the own baseline when nothing passes through (no rounding through 1 − (1 − x)).
      effectiveBaseline[s] = groupRows[s].length === 0 ? own : 1 - survival;

      const [latMin, latMax] = tuning.latencyShare;
      const latencyUnits = latency.map(
        (e) => latMin + (latMax - latMin) * edgeUnit(s, `l:${ids[edgeTargets[e]]}`),
      );
      const latencySum = latencyUnits.reduce((a, b) => a + b, 0);
      const latencyScale = latencySum > 1 ? 1 / latencySum : 1;
      latency.forEach((e, j) => {
        const t = edgeTargets[e];
        if (pos[t] >= pos[s]) return;
        latencyRows[s].push({
          target: t,
          weight: latencyUnits[j] * latencyScale,
          soft: edgeKinds[e] !== 0,
        });
      });
    }
    for (let s = 0; s < V; s++) {
      groupStart[s] = groupShare.length;
      for (const row of groupRows[s]) {
        groupShare.push(row.share);
        groupBaseline.push(row.baseline);
        groupConstant.push(row.constant);
        for (const member of row.members) members.push(member);
        memberStart.push(members.length);
      }
      latencyStart[s] = latencyTarget.length;
      for (const row of latencyRows[s]) {
        latencyTarget.push(row.target);
        latencyWeight.push(row.weight);
        latencySoft.push(row.soft ? 1 : 0);
      }
    }
    groupStart[V] = groupShare.length;
    latencyStart[V] = latencyTarget.length;
    this.groupStart = groupStart;
    this.groupShare = Float64Array.from(groupShare);
    this.groupBaseline = Float64Array.from(groupBaseline);
    this.groupConstant = Float64Array.from(groupConstant);
    this.memberStart = Int32Array.from(memberStart);
    this.members = Int32Array.from(members);
    this.latencyStart = latencyStart;
    this.latencyTarget = Int32Array.from(latencyTarget);
    this.latencyWeight = Float64Array.from(latencyWeight);
    this.latencySoft = Uint8Array.from(latencySoft);

    // Traffic: own traffic plus a share of callers' (callers first: reverse processing order).
    const baseRps = Float64Array.from(drawn, (d) => d.ownRps);
    for (let k = V - 1; k >= 0; k--) {
      const s = order[k];
      const override = drawn[s].overrides?.baseRps;
      if (override !== undefined) {
        if (!(override >= 0) || !Number.isFinite(override)) {
          throw new RangeError(`${ERROR_PREFIX}baseRps of "${ids[s]}" must be a finite number ≥ 0`);
        }
        baseRps[s] = override;
      } else {
        baseRps[s] = Math.min(baseRps[s], tuning.maxRps);
      }
      const outDegree = outStart[s + 1] - outStart[s];
      for (let p = outStart[s]; p < outStart[s + 1]; p++) {
        const t = edgeTargets[outEdges[p]];
        if (pos[t] >= pos[s]) continue;
        const fanout = 0.5 + 1.5 * edgeUnit(s, `r:${ids[t]}`);
        baseRps[t] += (baseRps[s] * fanout) / outDegree;
      }
    }

    // Remaining parameters.
    const maxIncidentSeconds = Math.max(
      tuning.smallIncidentMinutes[1] * 60,
      tuning.largeIncidentHours[1] * SECONDS_PER_HOUR,
    );
    for (let i = 0; i < V; i++) {
      const { hash, archetype, ownRps, baseline, overrides: o } = drawn[i];
      const profile = ARCHETYPE_PROFILES[archetype];
      const rng = new Prng(mix32(mix32(hash, STREAM_PARAMS), 2));
      const batch = archetype === 'data_pipeline';
      const diurnalAmplitude = batch ? 0 : rng.uniform(0.3, 0.7);
      const peakHourUtc = batch ? Math.floor(rng.uniform(0, 6)) : rng.uniform(11, 21);
      const weekendFactor = batch ? 1 : rng.uniform(0.55, 0.9);
      const latencyMedianMs =
        o?.latencyMedianMs ??
        rng.logUniform(profile.latencyMedianMs[0], profile.latencyMedianMs[1]);
      const latencySigma =
        o?.latencySigma ?? rng.uniform(profile.latencySigma[0], profile.latencySigma[1]);
      const smallIncidentsPerWeek =
        o?.smallIncidentsPerWeek ?? tuning.smallIncidentsPerWeek * rng.uniform(0.5, 1.5);
      const largeIncidentIntervalDays =
        o?.largeIncidentIntervalDays ??
        rng.uniform(tuning.largeIncidentIntervalDays[0], tuning.largeIncidentIntervalDays[1]);
      const drifts = rng.next() < tuning.driftShare;
      const driftKind: SyntheticDrift['kind'] = rng.next() < 0.5 ? 'errors' : 'latency';
      const periodHours = Math.round(
        rng.uniform(tuning.driftPeriodWeeks[0], tuning.driftPeriodWeeks[1]) * 168,
      );
      const rampShare = rng.uniform(0.5, 0.9);
      const multiplier =
        driftKind === 'errors'
          ? rng.uniform(tuning.driftErrorMultiplier[0], tuning.driftErrorMultiplier[1])
          : rng.uniform(tuning.driftLatencyMultiplier[0], tuning.driftLatencyMultiplier[1]);
      const phaseHours = Math.floor(rng.next() * periodHours);
      const drawnDrift: SyntheticDrift | null = drifts
        ? {
            kind: driftKind,
            periodHours: Math.max(1, periodHours),
            rampHours: Math.max(1, Math.round(periodHours * rampShare)),
            multiplier,
            phaseHours,
          }
        : null;
      const drift = o?.drift !== undefined ? o.drift : drawnDrift;
      if (drift && !(drift.periodHours > 0 && drift.rampHours > 0 && drift.multiplier >= 1)) {
        throw new RangeError(
          `${ERROR_PREFIX}drift of "${ids[i]}" needs periodHours > 0, rampHours > 0, multiplier ≥ 1`,
        );
      }
      const throttled = rng.next() < tuning.throttledShare;
      const pods = Math.round(rng.uniform(profile.pods[0], profile.pods[1]));
      const throttleRate = throttled ? rng.logUniform(0.05, 0.5) : rng.logUniform(5e-4, 0.01);
      const throttledSecondsPerSecond = o?.throttledSecondsPerSecond ?? throttleRate * pods;
      for (const [name, value, min] of [
        ['latencyMedianMs', latencyMedianMs, Number.MIN_VALUE],
        ['latencySigma', latencySigma, Number.MIN_VALUE],
        ['smallIncidentsPerWeek', smallIncidentsPerWeek, 0],
        ['largeIncidentIntervalDays', largeIncidentIntervalDays, Number.MIN_VALUE],
        ['throttledSecondsPerSecond', throttledSecondsPerSecond, 0],
      ] as const) {
        if (!(value >= min) || !Number.isFinite(value)) {
          throw new RangeError(`${ERROR_PREFIX}${name} of "${ids[i]}" is out of range: ${value}`);
        }
      }
      const firstSeenAt = o?.firstSeenAt ?? this.origin;
      if (!(firstSeenAt instanceof Date) || Number.isNaN(firstSeenAt.getTime())) {
        throw new TypeError(`${ERROR_PREFIX}firstSeenAt of "${ids[i]}" must be a valid Date`);
      }
      this.params.push({
        serviceId: ids[i],
        archetype,
        firstSeenAt: new Date(firstSeenAt.getTime()),
        ownRps,
        baseRps: baseRps[i],
        trafficShape: batch ? 'batch' : 'diurnal',
        diurnalAmplitude,
        peakHourUtc,
        weekendFactor,
        baselineErrorRatio: baseline,
        effectiveBaselineErrorRatio: effectiveBaseline[i],
        latencyMedianMs,
        latencySigma,
        smallIncidentsPerWeek,
        largeIncidentIntervalDays,
        drift: drift ? Object.freeze({ ...drift }) : null,
        throttledSecondsPerSecond,
        pods,
        podName: podNameFor(ids[i], hash),
        hash,
        firstSeenSec: (firstSeenAt.getTime() - this.originMs) / 1000,
        batch,
        peakLoad: batch ? 3.5 : 1 + diurnalAmplitude,
        logMedian: Math.log(latencyMedianMs),
        meanOverMedian: Math.exp((latencySigma * latencySigma) / 2),
        inverseSigma: 1 / latencySigma,
        loadByHour: loadTable(batch, diurnalAmplitude, peakHourUtc, weekendFactor),
      });
    }
    this.maxIncidentSeconds = Math.min(maxIncidentSeconds, EPOCH_SECONDS);

    const cacheBytes = options.cacheBytes ?? 128 * 1024 * 1024;
    if (!(cacheBytes >= 0)) throw new RangeError(`${ERROR_PREFIX}cacheBytes must be ≥ 0`);
    this.maxBlocks = Math.max(2, Math.floor(cacheBytes / Math.max(1, V * BLOCK_HOURS * 8)));
  }

  /** Number of services. */
  get size(): number {
    return this.serviceIds.length;
  }

  has(serviceId: string): boolean {
    return this.index.has(serviceId);
  }

  /** Index of the service (for `hourInto`/`integrate`), or -1. */
  indexOf(serviceId: string): number {
    return this.index.get(serviceId) ?? -1;
  }

  /** What the model derived for the service; throws for an unknown id. */
  profile(serviceId: string): SyntheticServiceProfile {
    const p = this.params[this.requireIndex(serviceId)];
    return {
      serviceId: p.serviceId,
      archetype: p.archetype,
      firstSeenAt: new Date(p.firstSeenAt.getTime()),
      ownRps: p.ownRps,
      baseRps: p.baseRps,
      trafficShape: p.trafficShape,
      diurnalAmplitude: p.diurnalAmplitude,
      peakHourUtc: p.peakHourUtc,
      weekendFactor: p.weekendFactor,
      baselineErrorRatio: p.baselineErrorRatio,
      effectiveBaselineErrorRatio: p.effectiveBaselineErrorRatio,
      latencyMedianMs: p.latencyMedianMs,
      latencySigma: p.latencySigma,
      smallIncidentsPerWeek: p.smallIncidentsPerWeek,
      largeIncidentIntervalDays: p.largeIncidentIntervalDays,
      drift: p.drift,
      throttledSecondsPerSecond: p.throttledSecondsPerSecond,
      pods: p.pods,
      podName: p.podName,
    };
  }

  /** Seconds since the origin at which the service's telemetry starts (may be negative). */
  firstSeenSeconds(index: number): number {
    return this.params[index].firstSeenSec;
  }

  /** Seconds since the origin of an instant. */
  secondsSinceOrigin(at: Date): number {
    return (at.getTime() - this.originMs) / 1000;
  }

  /** The service's own incidents that overlap [from, to), by start time. */
  incidents(serviceId: string, from: Date, to: Date): SyntheticIncident[] {
    const i = this.requireIndex(serviceId);
    const a = this.secondsSinceOrigin(from);
    const b = this.secondsSinceOrigin(to);
    const found: RawIncident[] = [];
    if (!(b > a)) return [];
    const first = floorDiv(a - this.maxIncidentSeconds, EPOCH_SECONDS);
    const last = floorDiv(b, EPOCH_SECONDS);
    for (let epoch = first; epoch <= last; epoch++) {
      for (const incident of this.epochIncidents(i, epoch)) {
        if (incident.endSec > a && incident.startSec < b) found.push(incident);
      }
    }
    found.sort((x, y) => x.startSec - y.startSec || x.endSec - y.endSec);
    return found.map((incident) => ({
      serviceId,
      kind: incident.kind,
      start: new Date(this.originMs + incident.startSec * 1000),
      end: new Date(this.originMs + incident.endSec * 1000),
      errorRatio: incident.errorRatio,
      latencyFactor: incident.latencyFactor,
    }));
  }

  /** The model's values for one service-hour (a new object; see `hourInto` for hot loops). */
  hour(serviceId: string, hourIndex: number): SyntheticHour {
    if (!Number.isSafeInteger(hourIndex)) {
      throw new RangeError(`${ERROR_PREFIX}hourIndex must be a safe integer, got ${hourIndex}`);
    }
    const out = createHourScratch();
    this.hourInto(this.requireIndex(serviceId), hourIndex, out, HOUR_FIELDS.ALL);
    return {
      total: out.total,
      good: out.good,
      latencyBucketCounts: Array.from(out.buckets),
      latencySumSeconds: out.latencySumSeconds,
      throttledSeconds: out.throttledSeconds,
      errorRatio: out.errorRatio,
      latencyMedianMs: out.latencyMedianMs,
    };
  }

  /**
   * Fills `out` with service `index`'s hour `hourIndex` (an integer). `fields` is a mask of
   * `HOUR_FIELDS`; counts are always computed, latency and throttling only when asked.
   */
  hourInto(
    index: number,
    hourIndex: number,
    out: SyntheticHourScratch,
    fields: number = HOUR_FIELDS.ALL,
  ): void {
    const p = this.params[index];
    const blockIndex = floorDiv(hourIndex, BLOCK_HOURS);
    const block = this.block(blockIndex);
    const cell = index * BLOCK_HOURS + (hourIndex - blockIndex * BLOCK_HOURS);
    const excess = block.excess[cell];
    const latencyFactor = block.latency[cell];
    const hourHash = mix32(p.hash, hourIndex);

    // Traffic: base × diurnal/weekly (or batch window) × log-normal noise (σ 0.05).
    const absoluteHour = this.originEpochHour + hourIndex;
    const day = Math.floor(absoluteHour / 24);
    const weekday = day + 4 - Math.floor((day + 4) / 7) * 7; // 0 = Sunday; 1970-01-01: Thursday
    const load = p.loadByHour[(weekday === 0 || weekday === 6 ? 24 : 0) + absoluteHour - day * 24];
    const z = normalFromHash(mix32(hourHash, 1));
    const total = Math.round(p.baseRps * load * SECONDS_PER_HOUR * Math.exp(0.05 * z - 0.00125));

    // Errors: Poisson around total × error ratio.
    const errorRatio = 1 - (1 - p.effectiveBaselineErrorRatio) * (1 - excess);
    const errors = Math.min(total, poissonFromHash(total * errorRatio, mix32(hourHash, 3)));
    out.total = total;
    out.good = total - errors;
    out.errorRatio = errorRatio;

    if ((fields & HOUR_FIELDS.LATENCY) !== 0) {
      // Log-normal around median × latency factor, with a little hourly jitter (σ 0.03).
      const jitter = normalFromHash(mix32(hourHash, 101));
      const logMedian = p.logMedian + Math.log(latencyFactor) + 0.03 * jitter;
      const inverseSigma = p.inverseSigma;
      const buckets = out.buckets;
      for (let j = 0; j < BUCKETS - 1; j++) {
        buckets[j] = Math.round(
          total * normalCdfFast((LOG_BOUNDS_MS[j] - logMedian) * inverseSigma),
        );
      }
      buckets[BUCKETS - 1] = total;
      const median = Math.exp(logMedian);
      out.latencyMedianMs = median;
      out.latencySumSeconds = (total * median * p.meanOverMedian) / 1000;
    }
    if ((fields & HOUR_FIELDS.THROTTLING) !== 0) {
      const noise = normalFromHash(mix32(hourHash, 201));
      const relativeLoad = load / p.peakLoad;
      const rate =
        p.throttledSecondsPerSecond *
        relativeLoad *
        relativeLoad *
        latencyFactor *
        latencyFactor *
        Math.exp(0.2 * noise - 0.02);
      out.throttledSeconds = Math.min(rate, p.pods) * SECONDS_PER_HOUR;
    }
  }

  /**
   * Adds service `index`'s values over [fromSec, toSec) (seconds since the origin, clipped to its
   * `firstSeenAt`) to `acc`; a partial hour counts in proportion to the part covered (counts are
   * spread evenly inside the hour). Returns the seconds covered.
   */
  integrate(
    index: number,
    fromSec: number,
    toSec: number,
    acc: SyntheticTotals,
    fields: number = HOUR_FIELDS.ALL,
  ): number {
    const from = Math.max(fromSec, this.params[index].firstSeenSec);
    if (!(toSec > from)) return 0;
    const out = this.scratch;
    const buckets = out.buckets;
    const sums = acc.buckets;
    for (let h = Math.floor(from / SECONDS_PER_HOUR); h * SECONDS_PER_HOUR < toSec; h++) {
      const start = h * SECONDS_PER_HOUR;
      const a = from > start ? from : start;
      const b = toSec < start + SECONDS_PER_HOUR ? toSec : start + SECONDS_PER_HOUR;
      if (!(b > a)) continue;
      const share = (b - a) / SECONDS_PER_HOUR;
      this.hourInto(index, h, out, fields);
      acc.total += share * out.total;
      acc.good += share * out.good;
      if ((fields & HOUR_FIELDS.LATENCY) !== 0) {
        for (let j = 0; j < BUCKETS; j++) sums[j] += share * buckets[j];
        acc.latencySumSeconds += share * out.latencySumSeconds;
      }
      if ((fields & HOUR_FIELDS.THROTTLING) !== 0) {
        acc.throttledSeconds += share * out.throttledSeconds;
      }
    }
    const covered = toSec - from;
    acc.coveredSeconds += covered;
    return covered;
  }

  /**
   * Makes room in the block cache for `hours` consecutive hours (plus one block), so a pass that
   * walks service by service over that span computes each block once. Never shrinks the cache.
   */
  reserveCache(hours: number): void {
    const needed = Math.ceil(Math.max(0, hours) / BLOCK_HOURS) + 2;
    if (needed > this.maxBlocks) this.maxBlocks = needed;
  }

  private requireIndex(serviceId: string): number {
    const i = this.index.get(serviceId);
    if (i === undefined) throw new RangeError(`${ERROR_PREFIX}unknown service "${serviceId}"`);
    return i;
  }

  private block(blockIndex: number): Block {
    if (blockIndex === this.lastBlockIndex && this.lastBlock) return this.lastBlock;
    const found = this.lookupBlock(blockIndex);
    this.lastBlockIndex = blockIndex;
    this.lastBlock = found;
    return found;
  }

  private lookupBlock(blockIndex: number): Block {
    const cached = this.blocks.get(blockIndex);
    if (cached) {
      if (this.blocks.size > 1) {
        // Refresh its LRU position (Map keeps insertion order).
        this.blocks.delete(blockIndex);
        this.blocks.set(blockIndex, cached);
      }
      return cached;
    }
    const block = this.computeBlock(blockIndex);
    this.blocks.set(blockIndex, block);
    while (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return block;
  }

  /** The service's own incidents drawn for one epoch (start within the epoch). */
  private epochIncidents(index: number, epoch: number): RawIncident[] {
    const p = this.params[index];
    const t = this.tuning;
    const epochStart = epoch * EPOCH_SECONDS;
    const found: RawIncident[] = [];
    const small = new Prng(mix32(mix32(p.hash, STREAM_SMALL), epoch));
    const smallCount = small.poisson((p.smallIncidentsPerWeek * EPOCH_HOURS) / 168);
    for (let k = 0; k < smallCount; k++) {
      const startSec = epochStart + Math.floor(small.next() * EPOCH_SECONDS);
      const duration = Math.round(
        small.logUniform(t.smallIncidentMinutes[0], t.smallIncidentMinutes[1]) * 60,
      );
      found.push({
        kind: 'small',
        startSec,
        endSec: startSec + Math.max(1, duration),
        errorRatio: small.uniform(t.smallIncidentErrorRatio[0], t.smallIncidentErrorRatio[1]),
        latencyFactor: small.uniform(
          t.smallIncidentLatencyFactor[0],
          t.smallIncidentLatencyFactor[1],
        ),
      });
    }
    const large = new Prng(mix32(mix32(p.hash, STREAM_LARGE), epoch));
    const largeCount = large.poisson(EPOCH_HOURS / (p.largeIncidentIntervalDays * 24));
    for (let k = 0; k < largeCount; k++) {
      const startSec = epochStart + Math.floor(large.next() * EPOCH_SECONDS);
      const duration = Math.round(
        large.logUniform(t.largeIncidentHours[0], t.largeIncidentHours[1]) * SECONDS_PER_HOUR,
      );
      found.push({
        kind: 'large',
        startSec,
        endSec: startSec + Math.max(1, duration),
        errorRatio: large.uniform(t.largeIncidentErrorRatio[0], t.largeIncidentErrorRatio[1]),
        latencyFactor: large.uniform(
          t.largeIncidentLatencyFactor[0],
          t.largeIncidentLatencyFactor[1],
        ),
      });
    }
    return found;
  }

  /**
   * Every service's excess error ratio and latency factor for one week, dependencies first:
   *   excess(s) = 1 − (1 − own(s)) · Π_groups (1 − share_g · excess_g)
   *   latency(s) = own(s) + Σ_edges w_e · ((latency(d) − 1) + [soft] penalty · excess(d))
   * where a redundancy group's excess is the part of Π member error ratios above its baseline.
   */
  private computeBlock(blockIndex: number): Block {
    const V = this.serviceIds.length;
    const B = BLOCK_HOURS;
    const h0 = blockIndex * B;
    const blockStartSec = h0 * SECONDS_PER_HOUR;
    const blockEndSec = blockStartSec + B * SECONDS_PER_HOUR;
    const excess = new Float32Array(V * B);
    const latency = new Float32Array(V * B).fill(1);
    const active = new Uint8Array(V);
    const survival = this.rowSurvival;
    const lat = this.rowLatency;
    const groupRow = this.rowGroup;
    const firstEpoch = floorDiv(blockStartSec - this.maxIncidentSeconds, EPOCH_SECONDS);
    const lastEpoch = floorDiv(blockEndSec - 1, EPOCH_SECONDS);
    const penalty = this.tuning.softFailureLatencyPenalty;

    for (let k = 0; k < V; k++) {
      const s = this.order[k];
      const p = this.params[s];
      let isActive = false;
      survival.fill(1);
      lat.fill(1);

      for (let epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
        for (const incident of this.epochIncidents(s, epoch)) {
          if (incident.endSec <= blockStartSec || incident.startSec >= blockEndSec) continue;
          isActive = true;
          const firstHour = Math.max(h0, Math.floor(incident.startSec / SECONDS_PER_HOUR));
          const lastHour = Math.min(h0 + B - 1, Math.ceil(incident.endSec / SECONDS_PER_HOUR) - 1);
          for (let h = firstHour; h <= lastHour; h++) {
            const a = Math.max(incident.startSec, h * SECONDS_PER_HOUR);
            const b = Math.min(incident.endSec, (h + 1) * SECONDS_PER_HOUR);
            const cover = (b - a) / SECONDS_PER_HOUR;
            survival[h - h0] *= 1 - incident.errorRatio * cover;
            lat[h - h0] *= 1 + (incident.latencyFactor - 1) * cover;
          }
        }
      }

      const drift = p.drift;
      if (drift) {
        isActive = true;
        const errorDrift = drift.kind === 'errors';
        const amount = errorDrift
          ? p.baselineErrorRatio * (drift.multiplier - 1)
          : drift.multiplier - 1;
        for (let t = 0; t < B; t++) {
          const phase = positiveMod(h0 + t + drift.phaseHours, drift.periodHours);
          const ramp = phase >= drift.rampHours ? 1 : phase / drift.rampHours;
          if (errorDrift) survival[t] *= 1 - Math.min(1, amount * ramp);
          else lat[t] *= 1 + amount * ramp;
        }
      }

      for (let g = this.groupStart[s]; g < this.groupStart[s + 1]; g++) {
        const m0 = this.memberStart[g];
        const m1 = this.memberStart[g + 1];
        const share = this.groupShare[g];
        if (m1 - m0 === 1 && this.groupConstant[g] === 1) {
          const d = this.members[m0];
          if (!active[d]) continue;
          isActive = true;
          const row = d * B;
          for (let t = 0; t < B; t++) survival[t] *= 1 - share * excess[row + t];
          continue;
        }
        let anyActive = false;
        for (let m = m0; m < m1; m++) if (active[this.members[m]]) anyActive = true;
        if (!anyActive) continue;
        isActive = true;
        // Redundancy group: fails when every member fails (product of their error ratios).
        groupRow.fill(this.groupConstant[g]);
        for (let m = m0; m < m1; m++) {
          const d = this.members[m];
          const keep = 1 - this.params[d].effectiveBaselineErrorRatio;
          const row = d * B;
          for (let t = 0; t < B; t++) groupRow[t] *= 1 - keep * (1 - excess[row + t]);
        }
        const baseline = this.groupBaseline[g];
        const headroom = 1 - baseline;
        for (let t = 0; t < B; t++) {
          const over = groupRow[t] > baseline ? (groupRow[t] - baseline) / headroom : 0;
          survival[t] *= 1 - share * over;
        }
      }

      for (let e = this.latencyStart[s]; e < this.latencyStart[s + 1]; e++) {
        const d = this.latencyTarget[e];
        if (!active[d]) continue;
        isActive = true;
        const w = this.latencyWeight[e];
        const row = d * B;
        if (this.latencySoft[e]) {
          for (let t = 0; t < B; t++) {
            lat[t] += w * (latency[row + t] - 1 + penalty * excess[row + t]);
          }
        } else {
          for (let t = 0; t < B; t++) lat[t] += w * (latency[row + t] - 1);
        }
      }

      if (isActive) {
        active[s] = 1;
        const row = s * B;
        for (let t = 0; t < B; t++) {
          excess[row + t] = 1 - survival[t];
          latency[row + t] = lat[t];
        }
      }
    }
    return { excess, latency };
  }
}
