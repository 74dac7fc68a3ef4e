import { FixedClock } from '../../shared/testing/fixed-clock';
import { InMemorySliAggregateRepository } from '../testing/in-memory-recommendation-stores';
import { ScriptedTelemetrySource } from '../testing/scripted-telemetry-source';
import { AggregateSlisUseCase } from './aggregate-slis.use-case';

const HOUR = 3_600_000;
const ORIGIN = new Date('2026-01-01T00:00:00.000Z');
const AT = new Date(ORIGIN.getTime() + 48 * HOUR);

// api: 1,000 requests an hour, 10 failing; histogram: 500 ≤ 50 ms, 990 ≤ 100 ms, all ≤ 200 ms.
const telemetry = new ScriptedTelemetrySource(
  ORIGIN,
  new Map([
    [
      'api',
      {
        requests: Array.from({ length: 48 }, () => ({ good: 990, total: 1000 })),
        latency: Array.from({ length: 48 }, () => [500, 990, 1000, 1000, 1000, 1000, 1000]),
      },
    ],
    ['ghost', { requests: Array.from({ length: 48 }, () => ({ good: 1, total: 1 })) }],
  ]),
);

describe('AggregateSlisUseCase', () => {
  it('turns one fleet-wide round per window into sli_aggregates rows, idempotently', async () => {
    const repository = new InMemorySliAggregateRepository(new Set(['api']));
    const useCase = new AggregateSlisUseCase(telemetry, repository, new FixedClock(AT));
    const first = await useCase.execute({ windows: ['1h', '1d'] });

    expect(telemetry.calls.filter((call) => call.startsWith('fleetAggregates'))).toEqual([
      'fleetAggregates:1h',
      'fleetAggregates:1d',
    ]);
    expect(first).toMatchObject({ computedAt: AT, services: 2, unknownServices: 1 });
    const latest = await repository.latest('api');
    const value = (sliType: string, window: string) =>
      latest.find((row) => row.sliType === sliType && row.window === window)?.value;
    expect(value('availability', '1d')).toBeCloseTo(0.99);
    expect(value('error_rate', '1h')).toBeCloseTo(0.01);
    expect(value('request_rate', '1d')).toBeCloseTo(24_000 / 86_400);
    expect(value('latency_p50', '1d')).toBeCloseTo(50);
    expect(value('latency_p99', '1d')).toBeCloseTo(50 + (50 * (990 - 500)) / 490);
    expect(latest.find((row) => row.window === '1d')?.sampleCount).toBe(24_000);

    const again = await useCase.execute({ windows: ['1h', '1d'] });
    expect(again.rowsWritten).toBe(0);
  });
});
