/**
 * Drift detectors: update throughput of Page-Hinkley, ADWIN, KSWIN and the ensemble over 1,000,000
 * samples, and `evaluateDrift` for one service and for the 5,000-service fleet job that runs every
 * 15 minutes (spec 004 FR-9).
 */
import {
  Adwin,
  DriftEnsemble,
  evaluateDrift,
  Kswin,
  normalRandom,
  PAGE_HINKLEY_PRESETS,
  PageHinkley,
} from '@slo-engine/drift';
import { blackhole, measure, report, round, seededRandom } from './harness';

const SAMPLES = 1_000_000;
const FLEET = 5_000;

/** Unit-variance noise whose mean jumps every 20,000 samples, so detections do happen. */
function stream(seed: number, n: number): Float64Array {
  const random = seededRandom(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++)
    values[i] = normalRandom(random, Math.floor(i / 20_000) % 2 === 0 ? 0 : 2);
  return values;
}

interface Throughput {
  updatesPerSecond: number;
  nsPerUpdate: number;
  detections: number;
  goalUpdatesPerSecond: number;
  meetsGoal: boolean;
}

function throughput(
  name: string,
  make: () => { update(x: number): unknown },
  values: Float64Array,
  goalUpdatesPerSecond: number,
  runs: number,
): Throughput {
  let detections = 0;
  const timing = measure(
    () => {
      const detector = make();
      let fired = 0;
      for (let i = 0; i < values.length; i++) {
        const signal = detector.update(values[i]);
        if (
          signal === true ||
          (typeof signal === 'object' &&
            signal !== null &&
            'confirmed' in signal &&
            signal.confirmed)
        )
          fired++;
      }
      detections = fired;
      return fired;
    },
    { warmup: 1, iterations: runs },
  );
  const updatesPerSecond = Math.round(values.length / (timing.p50Ms / 1000));
  console.log(
    `${name}: ${updatesPerSecond.toLocaleString()} updates/s (p50 ${timing.p50Ms} ms), ${detections} detections`,
  );
  return {
    updatesPerSecond,
    nsPerUpdate: round((timing.p50Ms * 1e6) / values.length, 1),
    detections,
    goalUpdatesPerSecond,
    meetsGoal: updatesPerSecond >= goalUpdatesPerSecond,
  };
}

const values = stream(1, SAMPLES);
const pageHinkley = throughput(
  'PageHinkley',
  () => new PageHinkley(PAGE_HINKLEY_PRESETS.standardized),
  values,
  5_000_000,
  5,
);
const adwin = throughput('Adwin', () => new Adwin(), values, 2_000_000, 5);
const kswin = throughput('Kswin', () => new Kswin(), values, 50_000, 2);
const ensemble = throughput('DriftEnsemble', () => new DriftEnsemble(), values, 50_000, 2);

/** One service's inputs: a week of hourly availability plus the recent points. */
function service(seed: number, recentLength: number): { baseline: number[]; recent: number[] } {
  const random = seededRandom(seed);
  const drifted = seed % 10 === 0; // one service in ten really drifted
  const baseline = Array.from({ length: 168 }, () => normalRandom(random, 0.999, 0.0003));
  const recent = Array.from({ length: recentLength }, () =>
    normalRandom(random, drifted ? 0.997 : 0.999, 0.0003),
  );
  return { baseline, recent };
}

function evaluation(recentLength: number, goalMs: number, fleetGoalMs: number) {
  const one = service(7, recentLength);
  const single = measure(() => evaluateDrift(one.baseline, one.recent), {
    warmup: 200,
    iterations: 2000,
  });
  const fleet = Array.from({ length: FLEET }, (_, i) => service(1000 + i, recentLength));
  let confirmed = 0;
  const fleetTiming = measure(
    () => {
      confirmed = 0;
      for (const s of fleet) if (evaluateDrift(s.baseline, s.recent).confirmed) confirmed++;
      return confirmed;
    },
    { warmup: 1, iterations: 5 },
  );
  blackhole(confirmed);
  console.log(
    `evaluateDrift 168+${recentLength}: p50 ${single.p50Ms} ms, p95 ${single.p95Ms} ms; fleet of ${FLEET}: p50 ${fleetTiming.p50Ms} ms (${confirmed} confirmed)`,
  );
  return {
    single: { ...single, goalMs, meetsGoal: single.p95Ms <= goalMs },
    fleet: {
      ...fleetTiming,
      services: FLEET,
      confirmed,
      goalMs: fleetGoalMs,
      meetsGoal: fleetTiming.p50Ms <= fleetGoalMs,
    },
  };
}

const hourly = evaluation(4, 1, 2_000);
const minutes = evaluation(60, 1, 2_000);

/**
 * The streaming alternative of the same job: per service, restore the stored ensemble snapshot
 * (JSON), feed the 15 new minute points, store the new snapshot.
 */
function streamingFleet(goalMs: number) {
  const stored = Array.from({ length: FLEET }, (_, i) => {
    const ensemble = new DriftEnsemble({ center: 0.999, scale: 0.0003, kswin: { seed: i } });
    ensemble.updateMany(service(3000 + i, 168).recent);
    return JSON.stringify(ensemble);
  });
  const points = Array.from({ length: FLEET }, (_, i) => service(9000 + i, 15).recent);
  const snapshotBytes = stored.reduce((sum, s) => sum + s.length, 0) / FLEET;
  const timing = measure(
    () => {
      let confirmed = 0;
      for (let i = 0; i < FLEET; i++) {
        const ensemble = DriftEnsemble.restore(JSON.parse(stored[i]));
        if (ensemble.updateMany(points[i]).confirmed) confirmed++;
        blackhole(JSON.stringify(ensemble));
      }
      return confirmed;
    },
    { warmup: 1, iterations: 5 },
  );
  console.log(
    `streaming fleet (restore + 15 points + snapshot) x ${FLEET}: p50 ${timing.p50Ms} ms, snapshot ≈ ${Math.round(snapshotBytes)} bytes`,
  );
  return {
    ...timing,
    services: FLEET,
    pointsPerService: 15,
    snapshotBytes: Math.round(snapshotBytes),
    goalMs,
    meetsGoal: timing.p50Ms <= goalMs,
  };
}

const streaming = streamingFleet(2_000);

report('drift', {
  samples: SAMPLES,
  detectors: { pageHinkley, adwin, kswin, ensemble },
  evaluateDrift: { baseline168Recent4: hourly, baseline168Recent60: minutes },
  ensembleStreamingFleet: streaming,
  meetsGoal:
    pageHinkley.meetsGoal &&
    adwin.meetsGoal &&
    kswin.meetsGoal &&
    ensemble.meetsGoal &&
    hourly.single.meetsGoal &&
    hourly.fleet.meetsGoal &&
    minutes.single.meetsGoal &&
    minutes.fleet.meetsGoal &&
    streaming.meetsGoal,
});
