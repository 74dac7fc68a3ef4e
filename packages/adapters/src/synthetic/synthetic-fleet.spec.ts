import { type GraphSubmission } from '@slo-engine/core';
import fc from 'fast-check';

import {
  BLOCK_HOURS,
  DEFAULT_SYNTHETIC_TUNING,
  LATENCY_BUCKET_BOUNDS_MS,
  SyntheticFleet,
  type SyntheticEdgeInput,
  type SyntheticFleetTuning,
  type SyntheticServiceInput,
  detectArchetype,
} from './synthetic-fleet';

const ORIGIN = new Date('2026-01-05T00:00:00Z');
const DAY = 86_400_000;

/** No incidents, no drift: only baselines and what a test switches on per service. */
const QUIET: Partial<SyntheticFleetTuning> = {
  smallIncidentsPerWeek: 0,
  largeIncidentIntervalDays: [1e9, 1e9],
  driftShare: 0,
};

const svc = (serviceId: string, metadata?: Record<string, unknown>): SyntheticServiceInput => ({
  serviceId,
  metadata,
});

function hourOf(at: Date): number {
  return Math.floor((at.getTime() - ORIGIN.getTime()) / 3_600_000);
}

describe('SyntheticFleet: determinism', () => {
  const topology = fc.integer({ min: 1, max: 8 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.record({
          source: fc.integer({ min: 0, max: n - 1 }),
          target: fc.integer({ min: 0, max: n - 1 }),
          criticality: fc.constantFrom<'hard' | 'soft' | 'degraded'>('hard', 'soft', 'degraded'),
          group: fc.option(fc.constantFrom('g1', 'g2'), { nil: null }),
        }),
        { maxLength: 20 },
      ),
      seed: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
      hours: fc.array(fc.integer({ min: -2_000, max: 6_000 }), { minLength: 1, maxLength: 25 }),
    }),
  );

  function build(
    n: number,
    edges: { source: number; target: number; criticality: SyntheticEdgeInput['criticality'] }[],
    seed: number | string,
    cacheBytes?: number,
    groups?: (string | null)[],
  ): SyntheticFleet {
    return new SyntheticFleet({
      services: Array.from({ length: n }, (_, i) => svc(`s${i}`)),
      edges: edges.map((e, k) => ({
        source: `s${e.source}`,
        target: `s${e.target}`,
        criticality: e.criticality,
        redundancyGroup: groups?.[k] ?? null,
      })),
      seed,
      origin: ORIGIN,
      cacheBytes,
    });
  }

  it('gives the same series for the same seed and topology, whatever the call order and cache', () => {
    fc.assert(
      fc.property(topology, ({ n, edges, seed, hours }) => {
        const groups = edges.map((e) => e.group);
        const a = build(n, edges, seed, undefined, groups);
        // A cache of two blocks and the reverse order: blocks are evicted and recomputed.
        const b = build(n, edges, seed, 0, groups);
        const forward = hours.flatMap((h) => a.serviceIds.map((id) => a.hour(id, h)));
        const backward: ReturnType<SyntheticFleet['hour']>[] = [];
        for (let k = hours.length - 1; k >= 0; k--) {
          for (let i = n - 1; i >= 0; i--) backward.unshift(b.hour(`s${i}`, hours[k]));
        }
        // Re-reading after other blocks were computed gives the same again.
        const again = hours.flatMap((h) => a.serviceIds.map((id) => a.hour(id, h)));
        expect(backward).toEqual(forward);
        expect(again).toEqual(forward);
      }),
      { numRuns: 40 },
    );
  });

  it('derives different numbers from different seeds', () => {
    const a = build(3, [], 1);
    const b = build(3, [], 2);
    const series = (f: SyntheticFleet) =>
      Array.from({ length: 48 }, (_, h) => f.hour('s0', h).total);
    expect(series(a)).not.toEqual(series(b));
  });

  it("keeps a service's own parameters when unrelated services are added", () => {
    const small = build(2, [], 'x');
    const large = build(6, [], 'x');
    expect(large.profile('s1')).toEqual(small.profile('s1'));
    expect(large.hour('s1', 123)).toEqual(small.hour('s1', 123));
  });
});

describe('SyntheticFleet: inputs', () => {
  it('accepts GraphSubmission nodes and edges (attributes nested) and adds unknown endpoints', () => {
    const submission: GraphSubmission = {
      source: 'manual',
      observedAt: ORIGIN,
      nodes: [
        { serviceId: 'edge-gateway', metadata: { team: 'edge' } },
        { serviceId: 'orders', metadata: {} },
        { serviceId: 'psp', metadata: { serviceType: 'external', publishedSla: 0.999 } },
      ],
      edges: [
        { source: 'edge-gateway', target: 'orders', attributes: { criticality: 'hard' } },
        {
          source: 'orders',
          target: 'psp',
          attributes: { criticality: 'soft', redundancyGroup: null },
        },
        { source: 'orders', target: 'nightly-etl', attributes: {} },
      ],
    };
    const fleet = new SyntheticFleet({
      services: submission.nodes,
      edges: submission.edges,
      seed: 7,
      origin: ORIGIN,
    });
    expect(fleet.serviceIds).toEqual(['edge-gateway', 'orders', 'psp', 'nightly-etl']);
    expect(fleet.profile('edge-gateway').archetype).toBe('api_gateway');
    expect(fleet.profile('orders').archetype).toBe('backend_service');
    expect(fleet.profile('psp').archetype).toBe('external_integration');
    expect(fleet.profile('nightly-etl').archetype).toBe('data_pipeline');
    // External baseline below its published SLA's error budget.
    expect(fleet.profile('psp').baselineErrorRatio).toBeLessThan(0.001);
  });

  it('detects archetypes from ids and metadata', () => {
    expect(detectArchetype('x', { serviceType: 'external', runtime: 'gateway' })).toBe(
      'external_integration',
    );
    expect(detectArchetype('api-gw', { kind: 'Gateway' })).toBe('api_gateway');
    expect(detectArchetype('reports', { role: 'batch-export' })).toBe('data_pipeline');
    expect(detectArchetype('settlement-service', {})).toBe('backend_service');
    expect(detectArchetype('x', { archetype: 'data_pipeline' })).toBe('data_pipeline');
  });

  it('floors the origin to the hour and rejects malformed input', () => {
    const fleet = new SyntheticFleet({
      services: [svc('a')],
      seed: 1,
      origin: new Date('2026-01-05T10:42:13Z'),
    });
    expect(fleet.origin.toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(() => new SyntheticFleet({ services: [], seed: 1, origin: new Date(NaN) })).toThrow(
      /origin/,
    );
    expect(
      () =>
        new SyntheticFleet({
          services: [],
          edges: [{ source: 'a', target: 'b', criticality: 'fatal' as 'hard' }],
          seed: 1,
          origin: ORIGIN,
        }),
    ).toThrow(/criticality/);
    expect(
      () =>
        new SyntheticFleet({
          services: [],
          seed: 1,
          origin: ORIGIN,
          tuning: { largeIncidentHours: [5, 1] },
        }),
    ).toThrow(/largeIncidentHours/);
    expect(() => fleet.hour('nope', 0)).toThrow(/unknown service/);
    expect(() => fleet.hour('a', 1.5)).toThrow(/hourIndex/);
  });

  it('produces a consistent hour: counts, cumulative histogram, positive throttling', () => {
    const fleet = new SyntheticFleet({ services: [svc('a')], seed: 3, origin: ORIGIN });
    for (let h = 0; h < 200; h += 7) {
      const hour = fleet.hour('a', h);
      expect(Number.isInteger(hour.total) && Number.isInteger(hour.good)).toBe(true);
      expect(hour.good).toBeLessThanOrEqual(hour.total);
      expect(hour.latencyBucketCounts).toHaveLength(LATENCY_BUCKET_BOUNDS_MS.length);
      for (let j = 1; j < hour.latencyBucketCounts.length; j++) {
        expect(hour.latencyBucketCounts[j]).toBeGreaterThanOrEqual(hour.latencyBucketCounts[j - 1]);
      }
      expect(hour.latencyBucketCounts.at(-1)).toBe(hour.total);
      expect(hour.throttledSeconds).toBeGreaterThan(0);
      expect(hour.latencySumSeconds).toBeGreaterThan(0);
    }
  });

  it('follows a diurnal and weekly pattern', () => {
    const fleet = new SyntheticFleet({
      services: [svc('web-gateway')],
      seed: 11,
      origin: ORIGIN, // a Monday
      tuning: QUIET,
    });
    const p = fleet.profile('web-gateway');
    const byHour = Array.from({ length: 24 * 7 }, (_, h) => fleet.hour('web-gateway', h).total);
    const peak = Math.round(p.peakHourUtc) % 24;
    const trough = (peak + 12) % 24;
    expect(byHour[peak]).toBeGreaterThan(byHour[trough] * 1.4);
    const weekday = byHour.slice(0, 24).reduce((a, b) => a + b, 0); // Monday
    const sunday = byHour.slice(6 * 24, 7 * 24).reduce((a, b) => a + b, 0);
    expect(sunday / weekday).toBeCloseTo(p.weekendFactor, 1);
  });
});

describe('SyntheticFleet: propagation', () => {
  /** A fleet whose only incidents are the dependency's, always large, full error share. */
  function propagationFleet(extra: Partial<SyntheticFleetTuning> = {}): SyntheticFleet {
    return new SyntheticFleet({
      services: [svc('hard-caller'), svc('soft-caller'), svc('dep')],
      edges: [
        { source: 'hard-caller', target: 'dep', criticality: 'hard' },
        { source: 'soft-caller', target: 'dep', criticality: 'soft' },
      ],
      seed: 5,
      origin: ORIGIN,
      tuning: { ...QUIET, hardErrorShare: [1, 1], ...extra },
      overrides: { dep: { largeIncidentIntervalDays: 4 } },
    });
  }

  function worstIncidentHour(fleet: SyntheticFleet, serviceId: string): number {
    const incidents = fleet
      .incidents(serviceId, ORIGIN, new Date(ORIGIN.getTime() + 60 * DAY))
      .filter((i) => i.kind === 'large' && i.end.getTime() - i.start.getTime() >= 7_200_000);
    expect(incidents.length).toBeGreaterThan(0);
    // The first whole hour inside the worst long incident.
    const worst = incidents.reduce((a, b) => (b.errorRatio > a.errorRatio ? b : a));
    return hourOf(worst.start) + 1;
  }

  it("shows a hard dependency's large incident in its caller's errors, not a soft one's", () => {
    const fleet = propagationFleet();
    const h = worstIncidentHour(fleet, 'dep');
    const dep = fleet.hour('dep', h);
    const depProfile = fleet.profile('dep');
    expect(dep.errorRatio).toBeGreaterThan(0.15);

    const hard = fleet.hour('hard-caller', h);
    const hardProfile = fleet.profile('hard-caller');
    // One hard dependency with share 1: the caller fails whenever the dependency's excess does.
    const depExcess = 1 - (1 - dep.errorRatio) / (1 - depProfile.effectiveBaselineErrorRatio);
    const expected = 1 - (1 - hardProfile.effectiveBaselineErrorRatio) * (1 - depExcess);
    expect(hard.errorRatio).toBeCloseTo(expected, 5);
    expect(hard.total - hard.good).toBeGreaterThan(hard.total * 0.1);

    const soft = fleet.hour('soft-caller', h);
    const softProfile = fleet.profile('soft-caller');
    expect(soft.errorRatio).toBeCloseTo(softProfile.effectiveBaselineErrorRatio, 7);
    // ... but the soft caller waits on its failing dependency: latency rises.
    expect(soft.latencyMedianMs).toBeGreaterThan(softProfile.latencyMedianMs * 1.2);
  });

  it('passes only part of the steady baseline through, and nothing without hard edges', () => {
    const fleet = propagationFleet();
    const dep = fleet.profile('dep');
    const hard = fleet.profile('hard-caller');
    const soft = fleet.profile('soft-caller');
    const beta = DEFAULT_SYNTHETIC_TUNING.baselinePassThrough;
    expect(hard.effectiveBaselineErrorRatio).toBeCloseTo(
      1 - (1 - hard.baselineErrorRatio) * (1 - beta * dep.effectiveBaselineErrorRatio),
      12,
    );
    expect(soft.effectiveBaselineErrorRatio).toBe(soft.baselineErrorRatio);
    // Away from incidents, a caller's error ratio is its effective baseline.
    const incidents = fleet.incidents('dep', ORIGIN, new Date(ORIGIN.getTime() + 30 * DAY));
    for (let h = 0; h < 24 * 30; h++) {
      const t = ORIGIN.getTime() + h * 3_600_000;
      const overlapping = incidents.some(
        (i) => i.start.getTime() < t + 3_600_000 && i.end.getTime() > t,
      );
      if (overlapping) continue;
      expect(fleet.hour('hard-caller', h).errorRatio).toBeCloseTo(
        hard.effectiveBaselineErrorRatio,
        7,
      );
    }
  });

  it('fails a redundancy group only when all its members fail', () => {
    const services = ['grouped', 'plain', 'a', 'b'].map((id) => svc(id));
    const edges: SyntheticEdgeInput[] = [
      { source: 'grouped', target: 'a', redundancyGroup: 'db' },
      { source: 'grouped', target: 'b', redundancyGroup: 'db' },
      { source: 'plain', target: 'a' },
    ];
    const fleet = new SyntheticFleet({
      services,
      edges,
      seed: 9,
      origin: ORIGIN,
      tuning: { ...QUIET, hardErrorShare: [1, 1] },
      overrides: {
        // a is in a large incident most of the time, b never is.
        a: { largeIncidentIntervalDays: 0.1 },
      },
    });
    let checked = 0;
    for (let h = 0; h < 24 * 14; h++) {
      const a = fleet.hour('a', h);
      if (a.errorRatio < 0.2) continue;
      checked++;
      const b = fleet.hour('b', h);
      const grouped = fleet.hour('grouped', h);
      const plain = fleet.hour('plain', h);
      const pa = fleet.profile('a');
      const pb = fleet.profile('b');
      // Group error = product of member error ratios; its excess over the group's baseline.
      const group = a.errorRatio * b.errorRatio;
      const base = pa.effectiveBaselineErrorRatio * pb.effectiveBaselineErrorRatio;
      const excess = Math.max(0, (group - base) / (1 - base));
      const expected =
        1 - (1 - fleet.profile('grouped').effectiveBaselineErrorRatio) * (1 - excess);
      expect(grouped.errorRatio).toBeCloseTo(expected, 6);
      expect(grouped.errorRatio).toBeLessThan(0.01); // b still serves
      expect(plain.errorRatio).toBeGreaterThan(0.15); // a alone is a single point of failure
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('cuts dependency cycles instead of propagating around the loop', () => {
    const fleet = new SyntheticFleet({
      services: ['a', 'b', 'c', 'entry'].map((id) => svc(id)),
      edges: [
        { source: 'entry', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'c', target: 'a' },
        { source: 'c', target: 'c' },
      ],
      seed: 2,
      origin: ORIGIN,
      tuning: { hardErrorShare: [1, 1], largeIncidentIntervalDays: [1, 1] },
    });
    expect(fleet.cycles).toEqual([['a', 'b', 'c']]);
    // The DFS from `a` keeps a → b → c and cuts c → a: c's errors reach b, a and entry.
    const h = Array.from({ length: 24 * 30 }, (_, k) => k).find(
      (k) => fleet.hour('c', k).errorRatio > 0.2,
    );
    expect(h).toBeDefined();
    for (const id of ['b', 'a', 'entry']) {
      expect(fleet.hour(id, h!).errorRatio).toBeGreaterThan(0.1);
    }
    for (let k = 0; k < 24 * 30; k++) {
      for (const id of fleet.serviceIds) {
        const hour = fleet.hour(id, k);
        expect(hour.errorRatio).toBeLessThanOrEqual(1);
        expect(Number.isFinite(hour.latencyMedianMs)).toBe(true);
      }
    }
  });

  it('stays bounded on a deep, wide graph (error shares are normalised)', () => {
    const n = 300;
    const edges: SyntheticEdgeInput[] = [];
    for (let i = 0; i < n; i++) {
      for (let k = 1; k <= 5; k++)
        if (i + k < n) edges.push({ source: `s${i}`, target: `s${i + k}` });
    }
    const fleet = new SyntheticFleet({
      services: Array.from({ length: n }, (_, i) => svc(`s${i}`)),
      edges,
      seed: 4,
      origin: ORIGIN,
      tuning: QUIET,
    });
    const deepest = fleet.profile(`s${n - 1}`).effectiveBaselineErrorRatio;
    const top = fleet.profile('s0').effectiveBaselineErrorRatio;
    expect(top).toBeLessThan(0.01);
    expect(top).toBeGreaterThanOrEqual(fleet.profile('s0').baselineErrorRatio);
    expect(deepest).toBe(fleet.profile(`s${n - 1}`).baselineErrorRatio);
  });
});

describe('SyntheticFleet: incidents and drift', () => {
  const services = Array.from({ length: 40 }, (_, i) => svc(`svc-${i}`));
  const fleet = new SyntheticFleet({ services, seed: 'rates', origin: ORIGIN });
  const weeks = 104;
  const end = new Date(ORIGIN.getTime() + weeks * 7 * DAY);

  it('draws frequent small and rare large incidents at the configured rates', () => {
    let small = 0;
    let large = 0;
    let expectedSmall = 0;
    let expectedLarge = 0;
    const t = DEFAULT_SYNTHETIC_TUNING;
    for (const id of fleet.serviceIds) {
      const profile = fleet.profile(id);
      expectedSmall += profile.smallIncidentsPerWeek * weeks;
      expectedLarge += (weeks * 7) / profile.largeIncidentIntervalDays;
      for (const incident of fleet.incidents(id, ORIGIN, end)) {
        const minutes = (incident.end.getTime() - incident.start.getTime()) / 60_000;
        if (incident.kind === 'small') {
          small++;
          expect(minutes).toBeGreaterThanOrEqual(t.smallIncidentMinutes[0] - 0.5);
          expect(minutes).toBeLessThanOrEqual(t.smallIncidentMinutes[1] + 0.5);
          expect(incident.errorRatio).toBeGreaterThanOrEqual(t.smallIncidentErrorRatio[0]);
          expect(incident.errorRatio).toBeLessThanOrEqual(t.smallIncidentErrorRatio[1]);
        } else {
          large++;
          expect(minutes / 60).toBeGreaterThanOrEqual(t.largeIncidentHours[0] - 0.01);
          expect(minutes / 60).toBeLessThanOrEqual(t.largeIncidentHours[1] + 0.01);
          expect(incident.errorRatio).toBeGreaterThanOrEqual(t.largeIncidentErrorRatio[0]);
        }
      }
    }
    // ~4,200 small (sd ≈ 65) and ~600 large (sd ≈ 25) expected.
    expect(Math.abs(small - expectedSmall) / expectedSmall).toBeLessThan(0.08);
    expect(Math.abs(large - expectedLarge) / expectedLarge).toBeLessThan(0.2);
    for (const id of fleet.serviceIds) {
      const profile = fleet.profile(id);
      expect(profile.largeIncidentIntervalDays).toBeGreaterThanOrEqual(30);
      expect(profile.largeIncidentIntervalDays).toBeLessThanOrEqual(90);
    }
  });

  it('shows its incidents in the hourly error ratio', () => {
    let seen = 0;
    for (const id of fleet.serviceIds.slice(0, 10)) {
      const incidents = fleet
        .incidents(id, ORIGIN, new Date(ORIGIN.getTime() + 26 * 7 * DAY))
        .filter((i) => i.kind === 'large');
      for (const incident of incidents) {
        seen++;
        const h = hourOf(incident.start);
        const minutes =
          (Math.min(incident.end.getTime(), ORIGIN.getTime() + (h + 1) * 3_600_000) -
            incident.start.getTime()) /
          60_000;
        expect(fleet.hour(id, h).errorRatio).toBeGreaterThanOrEqual(
          (incident.errorRatio * minutes) / 60 - 1e-6,
        );
      }
    }
    expect(seen).toBeGreaterThan(5);
  });

  it('returns incidents overlapping the asked range, sorted, independent of the range', () => {
    const all = fleet.incidents('svc-1', ORIGIN, end);
    const mid = new Date(ORIGIN.getTime() + 50 * 7 * DAY);
    const split = [
      ...fleet.incidents('svc-1', ORIGIN, mid),
      ...fleet.incidents('svc-1', mid, end).filter((i) => i.start.getTime() >= mid.getTime()),
    ];
    expect(split).toEqual(all);
    for (let k = 1; k < all.length; k++) {
      expect(all[k].start.getTime()).toBeGreaterThanOrEqual(all[k - 1].start.getTime());
    }
  });

  it('drifts some services: the error baseline creeps up over weeks, then resets', () => {
    const drifting = new SyntheticFleet({
      services: [svc('creep')],
      seed: 1,
      origin: ORIGIN,
      tuning: QUIET,
      overrides: {
        creep: {
          baselineErrorRatio: 0.001,
          drift: {
            kind: 'errors',
            periodHours: 8 * 168,
            rampHours: 6 * 168,
            multiplier: 5,
            phaseHours: 0,
          },
        },
      },
    });
    const ratio = (h: number) => drifting.hour('creep', h).errorRatio;
    expect(ratio(0)).toBeCloseTo(0.001, 6);
    expect(ratio(3 * 168)).toBeCloseTo(0.001 + 0.004 * 0.5, 5);
    expect(ratio(7 * 168)).toBeCloseTo(0.005, 5);
    expect(ratio(8 * 168)).toBeCloseTo(0.001, 6);
    const share = fleet.serviceIds.filter((id) => fleet.profile(id).drift !== null).length;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(fleet.size);
  });

  it('caches a bounded number of blocks', () => {
    const small = new SyntheticFleet({ services, seed: 'rates', origin: ORIGIN, cacheBytes: 0 });
    for (let h = 0; h < 10 * BLOCK_HOURS; h += 24) small.hour('svc-0', h);
    expect((small as unknown as { blocks: Map<number, unknown> }).blocks.size).toBe(2);
    expect(small.hour('svc-5', 3)).toEqual(fleet.hour('svc-5', 3));
  });
});
