/**
 * Canary releases end to end (spec 003, issue 6): PUT/GET/DELETE /capabilities/{verb}:{name}/canary,
 * the percentage split and its stickiness by routing key, the cohort, dark-launch mirroring and
 * the automatic rollback after consecutive violating SLO checks, persisted across a restart.
 * Two loopback fake workers serve the same capability: 1.0.0 (stable) and 2.0.0 (canary).
 */
import { rmSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import {
  type FakeWorker,
  json,
  ManualClock,
  type RunningController,
  startController,
  startFakeWorker,
} from './controller-fixture';
import {
  closeAndRemove,
  eventually,
  invoke,
  metricSample,
  registerFakeWorker,
} from './slo-helpers';

const VERB = 'convert';
const NAME = 'convert_document_to_pdf';
const KEY = `${VERB}:${NAME}`;
const CANARY_URL = `/capabilities/${KEY}/canary`;
const STABLE_VERSION = '1.0.0';
const CANARY_VERSION = '2.0.0';
const MIN_REQUESTS = 10;
const ROLLBACK_AFTER = 3;
const ENV = {
  CONTROLLER_SLO_MIN_REQUESTS: String(MIN_REQUESTS),
  CONTROLLER_CANARY_ROLLBACK_AFTER: String(ROLLBACK_AFTER),
};

interface CanaryView {
  capability: string;
  stable_version: string;
  canary_version: string;
  percentage: number;
  cohort: string[];
  dark_launch: boolean;
  updated_at: string;
  updated_by: string;
  consecutive_violations: number;
  last_health?: {
    verdict: string;
    reasons: string[];
    violations: { metric: string; actual: number; limit: number; message: string }[];
    canary_error_rate: number;
    stable_error_rate?: number;
    error_rate_limit: number;
  };
  rolled_back?: { at: string; reason: string };
}

type Side = 'stable' | 'canary';

function putCanary(
  controller: RunningController,
  policy: Record<string, unknown>,
): ReturnType<RunningController['inject']> {
  return controller.inject({
    method: 'PUT',
    url: CANARY_URL,
    payload: { stable_version: STABLE_VERSION, canary_version: CANARY_VERSION, ...policy },
  });
}

async function getCanary(controller: RunningController): Promise<CanaryView> {
  const response = await controller.get(CANARY_URL);
  expect(response.statusCode).toBe(200);
  return json<CanaryView>(response);
}

/** The side `/route` sends `routingKey` to, checked against the version and worker it names. */
async function routeSide(controller: RunningController, routingKey: string): Promise<Side> {
  const response = await controller.post('/route', {
    verb: VERB,
    capability: NAME,
    routing_key: routingKey,
  });
  expect(response.statusCode).toBe(200);
  const body = json<{ worker_id: string; version: string; canary: Side }>(response);
  const expected =
    body.canary === 'canary' ? ['canary-1', CANARY_VERSION] : ['stable-1', STABLE_VERSION];
  expect([body.worker_id, body.version]).toEqual(expected);
  return body.canary;
}

/** Sides of many keys, 50 requests at a time (in-process inject: batching halves the run time). */
async function routeSides(
  controller: RunningController,
  keys: readonly string[],
): Promise<Map<string, Side>> {
  const sides = new Map<string, Side>();
  for (let start = 0; start < keys.length; start += 50) {
    const batch = keys.slice(start, start + 50);
    const results = await Promise.all(batch.map((key) => routeSide(controller, key)));
    batch.forEach((key, i) => sides.set(key, results[i]));
  }
  return sides;
}

/** Generous: the 2,000-key split runs a few thousand requests through the whole HTTP stack. */
const ROUTING_TEST_TIMEOUT_MS = 30_000;

describe('canary policy and routing (spec 003)', () => {
  let controller: RunningController;
  let stable: FakeWorker;
  let canary: FakeWorker;
  beforeEach(async () => {
    controller = await startController({ env: ENV });
    stable = await startFakeWorker((call) => ({
      status: 200,
      body: { served_by: 'stable', echo: call.body.payload },
    }));
    canary = await startFakeWorker((call) => ({
      status: 200,
      body: { served_by: 'canary', echo: call.body.payload },
    }));
    await registerFakeWorker(controller, 'stable-1', stable, VERB, NAME, {
      version: STABLE_VERSION,
    });
    await registerFakeWorker(controller, 'canary-1', canary, VERB, NAME, {
      version: CANARY_VERSION,
    });
  });
  afterEach(async () => {
    await controller.close();
    await stable.close();
    await canary.close();
  });

  it('PUT sets the policy, GET echoes it, and the percentage gauge follows', async () => {
    const put = await putCanary(controller, { percentage: 30 });
    expect(put.statusCode).toBe(200);
    const expected: CanaryView = {
      capability: KEY,
      stable_version: STABLE_VERSION,
      canary_version: CANARY_VERSION,
      percentage: 30,
      cohort: [],
      dark_launch: false,
      updated_at: new Date(controller.clock.t).toISOString(),
      updated_by: 'anonymous',
      consecutive_violations: 0,
    };
    expect(json(put)).toEqual(expected);
    expect(await getCanary(controller)).toEqual(expected);
    expect(
      await metricSample(controller, 'controller_canary_percentage', { capability: KEY }),
    ).toBe(30);
  });

  it(
    'splits 2,000 distinct routing keys 30/70 within ±3 %, keeps each key on its side, and only moves keys to the canary when raised',
    async () => {
      expect((await putCanary(controller, { percentage: 30 })).statusCode).toBe(200);
      const keys = Array.from({ length: 2_000 }, (_, i) => `device-${i}`);
      const sides = await routeSides(controller, keys);
      const onCanary = keys.filter((k) => sides.get(k) === 'canary');
      expect(onCanary.length / keys.length).toBeGreaterThanOrEqual(0.27);
      expect(onCanary.length / keys.length).toBeLessThanOrEqual(0.33);

      const canaryKey = onCanary[0];
      const stableKey = keys.find((k) => sides.get(k) === 'stable') as string;
      for (const key of [canaryKey, stableKey]) {
        const seen = new Set<Side>();
        for (let i = 0; i < 50; i++) seen.add(await routeSide(controller, key));
        expect([...seen]).toEqual([sides.get(key)]);
      }

      expect((await putCanary(controller, { percentage: 60 })).statusCode).toBe(200);
      const sample = keys.slice(0, 300);
      const raised = await routeSides(controller, sample);
      const movedToCanary = sample.filter(
        (k) => sides.get(k) === 'stable' && raised.get(k) === 'canary',
      );
      expect(sample.filter((k) => sides.get(k) === 'canary' && raised.get(k) !== 'canary')).toEqual(
        [],
      );
      expect(movedToCanary.length).toBeGreaterThan(0);
    },
    ROUTING_TEST_TIMEOUT_MS,
  );

  it('always sends a cohort key to the canary, even at 0 %, and every other key to stable', async () => {
    expect(
      (await putCanary(controller, { percentage: 0, cohort: ['vip-tenant'] })).statusCode,
    ).toBe(200);
    expect(await getCanary(controller)).toMatchObject({ percentage: 0, cohort: ['vip-tenant'] });
    for (let i = 0; i < 20; i++) expect(await routeSide(controller, 'vip-tenant')).toBe('canary');
    const others = await routeSides(
      controller,
      Array.from({ length: 200 }, (_, i) => `tenant-${i}`),
    );
    expect(new Set(others.values())).toEqual(new Set(['stable']));

    const invoked = await invoke(controller, VERB, NAME, {
      routingKey: 'vip-tenant',
      payload: { doc: 'a' },
    });
    expect(json(invoked)).toMatchObject({
      worker_id: 'canary-1',
      version: CANARY_VERSION,
      canary: 'canary',
      result: { served_by: 'canary', echo: { doc: 'a' } },
    });
  });

  it('dark launch answers every caller from stable and mirrors the canary share to the canary, ignoring its answer', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    // The share of the keys at 50 %: the same hash decides the mirror under dark launch.
    expect((await putCanary(controller, { percentage: 50 })).statusCode).toBe(200);
    const sides = await routeSides(controller, keys);
    const inShare = new Set(keys.filter((k) => sides.get(k) === 'canary'));
    expect(inShare.size).toBeGreaterThan(0);
    expect(inShare.size).toBeLessThan(keys.length);

    expect((await putCanary(controller, { percentage: 50, dark_launch: true })).statusCode).toBe(
      200,
    );
    // The canary's answer must never reach the caller, even when it fails.
    canary.respond = () => ({ status: 500, body: { served_by: 'canary' } });
    for (const key of keys) {
      const response = await invoke(controller, VERB, NAME, { routingKey: key, payload: { key } });
      expect(response.statusCode).toBe(200);
      expect(json(response)).toEqual(
        expect.objectContaining({
          worker_id: 'stable-1',
          version: STABLE_VERSION,
          canary: 'stable',
          result: { served_by: 'stable', echo: { key } },
        }),
      );
    }
    expect(stable.calls.map((c) => (c.body.payload as { key: string }).key)).toEqual(keys);
    const mirrored = await eventually(() => {
      expect(canary.calls).toHaveLength(inShare.size);
      return canary.calls;
    });
    expect(new Set(mirrored.map((c) => (c.body.payload as { key: string }).key))).toEqual(inShare);
    for (const call of mirrored)
      expect(call.body).toMatchObject({ verb: VERB, capability: NAME, version: CANARY_VERSION });
  });

  it('serves canary keys from stable while the canary version has no healthy worker', async () => {
    expect((await putCanary(controller, { percentage: 100 })).statusCode).toBe(200);
    expect(await routeSide(controller, 'device-1')).toBe('canary');
    expect(json(await controller.post('/deregister', { worker_id: 'canary-1' }))).toMatchObject({
      was_registered: true,
    });
    expect(await routeSide(controller, 'device-1')).toBe('stable');
    const invoked = await invoke(controller, VERB, NAME, { routingKey: 'device-1' });
    expect(json(invoked)).toMatchObject({
      worker_id: 'stable-1',
      canary: 'stable',
      result: { served_by: 'stable' },
    });
  });

  it('rejects invalid policies with 400, answers 404 without a policy, and DELETE removes it with 204', async () => {
    const over = await putCanary(controller, { percentage: 101 });
    expect(over.statusCode).toBe(400);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(json<{ errors: { field: string }[] }>(over).errors.map((e) => e.field)).toContain(
      'percentage',
    );

    const same = await putCanary(controller, { canary_version: STABLE_VERSION, percentage: 10 });
    expect(same.statusCode).toBe(400);
    expect(json(same)).toMatchObject({ code: 'CONTROLLER.INVALID_CANARY' });

    const badKey = await controller.inject({
      method: 'PUT',
      url: '/capabilities/no-colon/canary',
      payload: { stable_version: '1', canary_version: '2', percentage: 1 },
    });
    expect(badKey.statusCode).toBe(400);
    expect(json(badKey)).toMatchObject({
      code: 'CONTROLLER.INVALID_CANARY',
      errors: [{ field: 'key' }],
    });

    const missing = await controller.get('/capabilities/rank:search/canary');
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toMatchObject({ code: 'CONTROLLER.CANARY_NOT_FOUND' });
    // Nothing invalid was stored.
    expect((await controller.get(CANARY_URL)).statusCode).toBe(404);

    expect((await putCanary(controller, { percentage: 100 })).statusCode).toBe(200);
    expect(await routeSide(controller, 'anyone')).toBe('canary');
    const removed = await controller.inject({ method: 'DELETE', url: CANARY_URL });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect((await controller.get(CANARY_URL)).statusCode).toBe(404);
    expect((await controller.inject({ method: 'DELETE', url: CANARY_URL })).statusCode).toBe(404);
    expect(
      await metricSample(controller, 'controller_canary_percentage', { capability: KEY }),
    ).toBeUndefined();
  });
});

describe('canary policy changes with caller identities on', () => {
  it('lets only an administrator identity PUT or DELETE a policy; anyone may GET it', async () => {
    const controller = await startController({
      env: { CONTROLLER_IDENTITY_SOURCE: 'header', CONTROLLER_ADMIN_IDENTITIES: 'ops@example.com' },
    });
    try {
      const policy = {
        stable_version: STABLE_VERSION,
        canary_version: CANARY_VERSION,
        percentage: 10,
      };
      const denied = await controller.inject({
        method: 'PUT',
        url: CANARY_URL,
        payload: policy,
        headers: { 'x-caller-identity': 'dev@example.com' },
      });
      expect(denied.statusCode).toBe(403);
      expect(json(denied)).toMatchObject({ code: 'CONTROLLER.NOT_AN_ADMIN' });
      expect((await controller.get(CANARY_URL)).statusCode).toBe(404);

      const allowed = await controller.inject({
        method: 'PUT',
        url: CANARY_URL,
        payload: policy,
        headers: { 'x-caller-identity': 'ops@example.com' },
      });
      expect(allowed.statusCode).toBe(200);
      expect(json(allowed)).toMatchObject({ percentage: 10, updated_by: 'ops@example.com' });
      expect(
        (await controller.get(CANARY_URL, { 'x-caller-identity': 'dev@example.com' })).statusCode,
      ).toBe(200);
      expect((await controller.inject({ method: 'DELETE', url: CANARY_URL })).statusCode).toBe(403);
      expect(
        (
          await controller.inject({
            method: 'DELETE',
            url: CANARY_URL,
            headers: { 'x-caller-identity': 'ops@example.com' },
          })
        ).statusCode,
      ).toBe(204);
    } finally {
      await controller.close();
    }
  });
});

describe('canary automatic rollback (spec 003)', () => {
  const stableWorkers: FakeWorker[] = [];
  afterEach(async () => {
    for (const w of stableWorkers.splice(0)) await w.close();
  });

  async function startWithWorkers(canaryStatus: number, clock = new ManualClock()) {
    const controller = await startController({ clock, env: ENV });
    const stable = await startFakeWorker(() => ({ status: 200, body: { served_by: 'stable' } }));
    const canary = await startFakeWorker(() => ({
      status: canaryStatus,
      body: { served_by: 'canary' },
    }));
    stableWorkers.push(stable, canary);
    await registerFakeWorker(controller, 'stable-1', stable, VERB, NAME, {
      version: STABLE_VERSION,
    });
    await registerFakeWorker(controller, 'canary-1', canary, VERB, NAME, {
      version: CANARY_VERSION,
    });
    expect((await putCanary(controller, { percentage: 50 })).statusCode).toBe(200);
    // Distinct keys spread the traffic over both versions; enough for each to be judged.
    for (let i = 0; i < 60; i++)
      await invoke(controller, VERB, NAME, { routingKey: `device-${i}` });
    expect(stable.calls.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(canary.calls.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
    return { controller, stable, canary };
  }

  it(`rolls a failing canary back to 0 % on the ${ROLLBACK_AFTER}rd consecutive violating check, and the rollback survives a restart`, async () => {
    const clock = new ManualClock();
    const { controller } = await startWithWorkers(500, clock);
    const stateFile = controller.config.CONTROLLER_STATE_FILE;
    let rollbackBeforeRestart: CanaryView['rolled_back'];
    try {
      for (let check = 1; check < ROLLBACK_AFTER; check++) {
        clock.advance(1_000);
        await controller.lifecycle.checkSlos();
        const view = await getCanary(controller);
        expect(view).toMatchObject({
          percentage: 50,
          consecutive_violations: check,
          last_health: { verdict: 'violating' },
        });
        expect(view.rolled_back).toBeUndefined();
      }
      // 100 % of the canary's requests failed, none of stable's: limit 2 × max(0, 0.1 % floor).
      expect((await getCanary(controller)).last_health).toMatchObject({
        canary_error_rate: 1,
        stable_error_rate: 0,
        error_rate_limit: 0.002,
        violations: [{ metric: 'error_rate', actual: 1, limit: 0.002 }],
      });
      expect(
        await metricSample(controller, 'controller_canary_rollbacks_total', { capability: KEY }),
      ).toBeUndefined();

      clock.advance(1_000);
      const logged = jest.spyOn(Logger.prototype, 'error');
      await controller.lifecycle.checkSlos();
      expect(logged.mock.calls.map(([message]) => String(message))).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^canary of ${KEY} rolled back to 0 %: canary ${CANARY_VERSION} violated in ${ROLLBACK_AFTER} consecutive checks`,
          ),
        ),
      );
      logged.mockRestore();
      const rolledBack = await getCanary(controller);
      rollbackBeforeRestart = rolledBack.rolled_back;
      expect(rolledBack).toMatchObject({
        percentage: 0,
        dark_launch: false,
        cohort: [],
        updated_by: 'controller:auto-rollback',
        updated_at: new Date(clock.t).toISOString(),
        consecutive_violations: 0,
        rolled_back: { at: new Date(clock.t).toISOString() },
      });
      expect(rolledBack.rolled_back?.reason).toContain(
        `canary ${CANARY_VERSION} violated in ${ROLLBACK_AFTER} consecutive checks`,
      );
      expect(rolledBack.rolled_back?.reason).toContain('canary error rate 100 %');
      expect(
        await metricSample(controller, 'controller_canary_rollbacks_total', { capability: KEY }),
      ).toBe(1);
      expect(
        await metricSample(controller, 'controller_canary_percentage', { capability: KEY }),
      ).toBe(0);
      // The event: newest first, after the canary.updated of the PUT.
      const events = json<{
        events: { type: string; capability?: string; data?: Record<string, unknown> }[];
      }>(await controller.get(`/events?capability=${encodeURIComponent(KEY)}`)).events;
      expect(events.map((e) => e.type).slice(0, 2)).toEqual([
        'canary.rolled_back',
        'canary.updated',
      ]);
      expect(events[0].data).toMatchObject({
        canary_version: CANARY_VERSION,
        reason: rolledBack.rolled_back?.reason,
      });
      for (let i = 0; i < 60; i += 7)
        expect(await routeSide(controller, `device-${i}`)).toBe('stable');

      // A rolled-back policy is not judged again: no second rollback.
      clock.advance(1_000);
      await controller.lifecycle.checkSlos();
      expect(
        await metricSample(controller, 'controller_canary_rollbacks_total', { capability: KEY }),
      ).toBe(1);
    } finally {
      await controller.app.close(); // keeps the fixture's directory (and the state file) for the restart
    }

    const restarted = await startController({ clock, stateFile, env: ENV });
    try {
      const view = await getCanary(restarted);
      expect(view).toMatchObject({
        percentage: 0,
        updated_by: 'controller:auto-rollback',
        rolled_back: rollbackBeforeRestart,
      });
      expect(rollbackBeforeRestart?.at).toBe(new Date(clock.t - 1_000).toISOString());
      expect(
        await metricSample(restarted, 'controller_canary_percentage', { capability: KEY }),
      ).toBe(0);
      // A person setting the policy again starts a new canary: the rollback record goes.
      const again = await putCanary(restarted, { percentage: 5 });
      expect(again.statusCode).toBe(200);
      expect(json<CanaryView>(again)).toMatchObject({ percentage: 5, updated_by: 'anonymous' });
      expect(json<CanaryView>(again).rolled_back).toBeUndefined();
    } finally {
      await closeAndRemove(restarted);
      rmSync(controller.dir, { recursive: true, force: true });
    }
  });

  it('rolls back a dark launch whose mirrored requests fail, and mirroring stops', async () => {
    const controller = await startController({ env: ENV });
    const stable = await startFakeWorker(() => ({ status: 200, body: { served_by: 'stable' } }));
    const canary = await startFakeWorker(() => ({ status: 500, body: { served_by: 'canary' } }));
    stableWorkers.push(stable, canary);
    try {
      await registerFakeWorker(controller, 'stable-1', stable, VERB, NAME, {
        version: STABLE_VERSION,
      });
      await registerFakeWorker(controller, 'canary-1', canary, VERB, NAME, {
        version: CANARY_VERSION,
      });
      expect((await putCanary(controller, { percentage: 100, dark_launch: true })).statusCode).toBe(
        200,
      );
      for (let i = 0; i < 2 * MIN_REQUESTS; i++)
        expect(
          (await invoke(controller, VERB, NAME, { routingKey: `device-${i}` })).statusCode,
        ).toBe(200);
      // Mirrors complete on their own: checks before enough of them are recorded judge nothing
      // (insufficient data does not count), so poll the checks until the first violating one.
      await eventually(async () => {
        await controller.lifecycle.checkSlos();
        expect(await getCanary(controller)).toMatchObject({ consecutive_violations: 1 });
      });
      for (let check = 1; check < ROLLBACK_AFTER; check++) await controller.lifecycle.checkSlos();
      const rolledBack = await getCanary(controller);
      expect(rolledBack).toMatchObject({ percentage: 0, dark_launch: false });
      expect(rolledBack.rolled_back?.reason).toContain('(was 100 %, dark launch)');

      // Every one of the 2 × MIN_REQUESTS invocations was mirrored; after the rollback none is.
      await eventually(() => expect(canary.calls).toHaveLength(2 * MIN_REQUESTS));
      for (let i = 0; i < 5; i++)
        await invoke(controller, VERB, NAME, { routingKey: `device-${i}` });
      expect(stable.calls).toHaveLength(2 * MIN_REQUESTS + 5);
      expect(canary.calls).toHaveLength(2 * MIN_REQUESTS);
    } finally {
      await controller.close();
    }
  });

  it('keeps a healthy canary at its percentage however many checks run', async () => {
    const { controller } = await startWithWorkers(200);
    try {
      for (let check = 0; check < ROLLBACK_AFTER + 2; check++) {
        controller.clock.advance(1_000);
        await controller.lifecycle.checkSlos();
      }
      const view = await getCanary(controller);
      expect(view).toMatchObject({
        percentage: 50,
        consecutive_violations: 0,
        last_health: { verdict: 'healthy' },
      });
      expect(view.rolled_back).toBeUndefined();
      expect(
        await metricSample(controller, 'controller_canary_rollbacks_total', { capability: KEY }),
      ).toBeUndefined();
    } finally {
      await controller.close();
    }
  });

  it('does not count checks without enough canary traffic as violations', async () => {
    const { controller } = await startWithWorkers(500);
    try {
      controller.clock.advance(1_000);
      await controller.lifecycle.checkSlos();
      expect(await getCanary(controller)).toMatchObject({ consecutive_violations: 1 });
      // Past the 5-minute window: the evidence is gone, so the next checks judge nothing.
      controller.clock.advance(600_000);
      for (let check = 0; check < ROLLBACK_AFTER; check++) await controller.lifecycle.checkSlos();
      expect(await getCanary(controller)).toMatchObject({
        percentage: 50,
        consecutive_violations: 1,
        last_health: { verdict: 'insufficient_data' },
      });
      expect(
        await metricSample(controller, 'controller_canary_rollbacks_total', { capability: KEY }),
      ).toBeUndefined();
    } finally {
      await controller.close();
    }
  });
});
