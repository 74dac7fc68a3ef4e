/**
 * Helpers of the SLO enforcement and canary end-to-end tests: SLO files in the format of
 * packages/slo-schema/examples/slos, fake workers registered for a capability, a polling wait for
 * outcomes that arrive on real timers (file watch, dark-launch mirrors), and Prometheus samples.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Capability } from '@slo-engine/registry';
import { capability, type FakeWorker, json, type RunningController } from './controller-fixture';

export interface SloFileOptions {
  readonly verb: string;
  readonly name: string;
  readonly rejectOnViolation?: boolean;
  readonly graceDays?: number;
  /** Availability target, a fraction in (0, 1). Default 0.99. */
  readonly availability?: number;
  /**
   * Latency objectives in ms. The defaults are far above what a loopback worker takes, so only
   * availability decides compliance and the tests never depend on how fast the machine is.
   */
  readonly latency?: { readonly p50: number; readonly p95: number; readonly p99: number };
}

/** An SLO file every key of which the schema requires (the example-capability.yml template). */
export function sloYaml(options: SloFileOptions): string {
  const availability = options.availability ?? 0.99;
  const latency = options.latency ?? { p50: 10_000, p95: 20_000, p99: 30_000 };
  // monthly_pct must equal (1 − target) × 100; rounding keeps 0.99 → 1, not 1.0000000000000009.
  const monthlyPct = Math.round((1 - availability) * 100 * 1e6) / 1e6;
  return [
    'capability:',
    `  verb: ${options.verb}`,
    `  name: ${options.name}`,
    "  version: '1.0'",
    'slo:',
    '  latency:',
    `    p50_ms: ${latency.p50}`,
    `    p95_ms: ${latency.p95}`,
    `    p99_ms: ${latency.p99}`,
    '  availability:',
    `    target: ${availability}`,
    '  error_budget:',
    `    monthly_pct: ${monthlyPct}`,
    '    alerts:',
    '      - threshold: 0.5',
    '        channel: slack',
    'enforcement:',
    `  reject_on_violation: ${options.rejectOnViolation ?? false}`,
    `  grace_period_days: ${options.graceDays ?? 0}`,
    'metadata:',
    '  owner: platform-team',
    '  cost_center: engineering',
    '  tier: staging',
    '',
  ].join('\n');
}

/** A temporary SLO directory, removed by `remove`. */
export interface SloDirectory {
  readonly path: string;
  /** Writes `file` and, when given, sets its mtime (the grace period starts at the file's mtime). */
  write(file: string, content: string, modifiedAt?: number): string;
  remove(): void;
}

export function makeSloDirectory(): SloDirectory {
  const path = mkdtempSync(join(tmpdir(), 'slo-e2e-slos-'));
  return {
    path,
    write(file, content, modifiedAt) {
      const target = join(path, file);
      writeFileSync(target, content);
      if (modifiedAt !== undefined) utimesSync(target, new Date(modifiedAt), new Date(modifiedAt));
      return target;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * Waits until `check` stops throwing (or returns true), for outcomes driven by real timers. The
 * deadline is generous because it only bounds a failing test: a passing one returns as soon as
 * the outcome is there. The last error is rethrown so a failure says what was still wrong.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  deadlineMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result;
      if (Date.now() > end) throw new Error(`condition still false after ${deadlineMs} ms`);
    } catch (error) {
      if (Date.now() > end) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Registers `worker` as `workerId` offering one capability (version in `overrides`). */
export async function registerFakeWorker(
  controller: RunningController,
  workerId: string,
  worker: FakeWorker,
  verb: string,
  name: string,
  overrides: Partial<Capability> = {},
): Promise<void> {
  const response = await controller.post('/register', {
    worker_id: workerId,
    worker_url: worker.url,
    capabilities: [capability(verb, name, overrides)],
  });
  if (response.statusCode !== 200)
    throw new Error(`registering ${workerId} failed: ${response.statusCode} ${response.body}`);
  expect(json(response)).toEqual({ status: 'registered', worker_id: workerId });
}

/**
 * The value of one Prometheus sample on /metrics, or undefined when the series does not exist.
 * `labels` must list every label of the series (in any order).
 */
export async function metricSample(
  controller: RunningController,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number | undefined> {
  const text = (await controller.get('/metrics')).body;
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const got = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]\w*=")/)
      .filter((s) => s !== '')
      .sort()
      .join(',');
    if (got === wanted) return Number(match[3]);
  }
  return undefined;
}

/** `POST /invoke` of `verb:name` with a priority and an optional routing key. */
export function invoke(
  controller: RunningController,
  verb: string,
  name: string,
  options: { priority?: 'low' | 'normal' | 'high'; routingKey?: string; payload?: unknown } = {},
): ReturnType<RunningController['post']> {
  return controller.post('/invoke', {
    verb,
    capability: name,
    request_payload: options.payload ?? { n: 1 },
    ...(options.priority === undefined ? {} : { priority: options.priority }),
    ...(options.routingKey === undefined ? {} : { routing_key: options.routingKey }),
  });
}

/**
 * Closes the controller and removes its temporary directory, which the fixture keeps whenever a
 * `sloDir` or `stateFile` was passed (it cannot know whether the caller still needs it).
 */
export async function closeAndRemove(controller: RunningController): Promise<void> {
  await controller.close();
  rmSync(controller.dir, { recursive: true, force: true });
}
