import { parseArgs } from './args';
import { buildReport, runDemo } from './demo';

const small = { services: 120, seed: 7, desiredTarget: 0.9999, json: false } as const;

describe('parseArgs', () => {
  it('has defaults', () => {
    expect(parseArgs([])).toEqual({
      kind: 'run',
      options: { services: 500, seed: 42, desiredTarget: 0.9999, json: false },
    });
  });

  it('reads every option and ignores the pnpm separator', () => {
    expect(
      parseArgs([
        '--',
        '--services',
        '100',
        '--seed',
        '3',
        '--service',
        'a',
        '--desired',
        '99.9',
        '--json',
      ]),
    ).toEqual({
      kind: 'run',
      options: { services: 100, seed: 3, service: 'a', desiredTarget: 0.999, json: true },
    });
  });

  it.each([
    [['--services', '5'], '--services must be an integer from 20 to 100000'],
    [['--services', 'many'], '--services must be an integer from 20 to 100000'],
    [['--seed', '-1'], '--seed must be a non-negative integer'],
    [
      ['--desired', '100'],
      '--desired must be a percentage between 0 and 100 exclusive, e.g. 99.99',
    ],
    [['--service'], '--service needs a service id'],
    [['--nope'], 'unknown option "--nope"'],
  ])('rejects %j with a precise message', (argv, message) => {
    expect(parseArgs(argv)).toEqual({ kind: 'error', message });
  });

  it('answers help', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
  });
});

describe('the demo report', () => {
  it('is deterministic for a seed', async () => {
    const a = await buildReport(small);
    const b = await buildReport(small);
    const strip = (r: typeof a) => ({ ...r, timingsMs: {} });
    expect(strip(a)).toEqual(strip(b));
  });

  it('finds the planted cycles and recommends consistent tiers for the chosen service', async () => {
    const report = await buildReport(small);
    expect(report.cycles.length).toBeGreaterThan(0);
    for (const cycle of report.cycles) {
      expect(cycle.path[0]).toBe(cycle.path[cycle.path.length - 1]);
    }
    const { availability, composite } = report.recommendation;
    expect(availability.conservative.target).toBeLessThanOrEqual(availability.balanced.target);
    expect(availability.balanced.target).toBeLessThanOrEqual(availability.aggressive.target);
    expect(availability.balanced.target).toBeLessThanOrEqual(composite.composite);
    expect(report.sloFile.valid).toBe(true);
    expect(report.openSlo.documents).toBeGreaterThan(0);
  });

  it('shows the idempotency decisions a retried call meets', async () => {
    const report = await buildReport(small);
    expect(report.idempotency.map((l) => l.split('→')[1].trim().split(' ')[0])).toEqual([
      'execute',
      'conflict_in_flight',
      'replay',
      'mismatch',
    ]);
  });

  it('names the service when it is unknown', async () => {
    await expect(buildReport({ ...small, service: 'no-such-service' })).rejects.toThrow(
      /unknown service "no-such-service"/,
    );
  });

  it('renders text and JSON', async () => {
    const text = await runDemo({ ...small, service: undefined });
    expect(text).toContain('Recommendation for');
    expect(text).toContain('circular dependency group');
    const json = JSON.parse(await runDemo({ ...small, json: true })) as {
      fleet: { services: number };
    };
    expect(json.fleet.services).toBe(120);
  });
});
