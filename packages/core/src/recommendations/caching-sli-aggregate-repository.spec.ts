import { FixedClock } from '../shared/testing/fixed-clock';
import {
  CachingSliAggregateRepository,
  DEFAULT_LATEST_VALUES_TTL_MS,
} from './caching-sli-aggregate-repository';
import { type SliAggregate } from './recommendation.ports';
import {
  InMemoryRecommendationRepository,
  InMemorySliAggregateRepository,
} from './testing/in-memory-recommendation-stores';
import { describeRecommendationStoresContract } from './testing/recommendation-stores.contract';

const AT = new Date('2026-02-14T10:00:00.000Z');

describeRecommendationStoresContract('caching decorator over the in-memory store', (ids) => {
  const known = new Set(ids);
  return Promise.resolve({
    recommendations: new InMemoryRecommendationRepository(known),
    aggregates: new CachingSliAggregateRepository(
      new InMemorySliAggregateRepository(known),
      new FixedClock(AT),
    ),
  });
});

function row(serviceId: string, value: number, hours = 0): SliAggregate {
  return {
    serviceId,
    sliType: 'availability',
    window: '28d',
    value,
    sampleCount: 1_000,
    computedAt: new Date(AT.getTime() + hours * 3_600_000),
  };
}

async function setUp(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const inner = new InMemorySliAggregateRepository(new Set(['checkout', 'payments']));
  await inner.upsert([row('checkout', 0.999)]);
  const reads = jest.spyOn(inner, 'latestValues');
  const clock = new FixedClock(AT);
  const cached = new CachingSliAggregateRepository(inner, clock, options);
  return { inner, reads, clock, cached };
}

describe('CachingSliAggregateRepository', () => {
  it('answers a repeated read from memory, and reads again once the TTL has passed', async () => {
    const { inner, reads, clock, cached } = await setUp();

    const first = await cached.latestValues('availability', '28d');
    // Another process writes: this instance does not see it yet.
    await inner.upsert([row('checkout', 0.5, 1)]);
    clock.advance(DEFAULT_LATEST_VALUES_TTL_MS / 2 - 1);
    expect(await cached.latestValues('availability', '28d')).toBe(first);
    expect(reads).toHaveBeenCalledTimes(1);

    // No call in the second half of the TTL: the next one, after it, waits for a new read.
    clock.advance(DEFAULT_LATEST_VALUES_TTL_MS / 2 + 1);
    expect(new Map(await cached.latestValues('availability', '28d'))).toEqual(
      new Map([['checkout', 0.5]]),
    );
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('refreshes ahead: a call in the second half of the TTL starts a read it does not wait for', async () => {
    const { inner, reads, clock, cached } = await setUp({ ttlMs: 1_000 });
    const first = await cached.latestValues('availability', '28d');
    await inner.upsert([row('checkout', 0.5, 1)]);

    clock.advance(500);
    expect(await cached.latestValues('availability', '28d')).toBe(first);
    expect(await cached.latestValues('availability', '28d')).toBe(first);
    expect(reads).toHaveBeenCalledTimes(2);
    await new Promise((resolve) => setImmediate(resolve));

    const refreshed = await cached.latestValues('availability', '28d');
    expect(refreshed.get('checkout')).toBe(0.5);
    // The refreshed answer counts from when its read started: served for one TTL from there.
    clock.advance(999);
    expect(await cached.latestValues('availability', '28d')).toBe(refreshed);
    clock.advance(1);
    await cached.latestValues('availability', '28d');
    expect(reads).toHaveBeenCalledTimes(4);
  });

  it('serves nothing past the TTL when a refresh fails, and then reads in the foreground', async () => {
    const { reads, clock, cached } = await setUp({ ttlMs: 1_000 });
    const first = await cached.latestValues('availability', '28d');
    reads.mockRejectedValueOnce(new Error('timeout')).mockRejectedValueOnce(new Error('timeout'));

    clock.advance(600);
    expect(await cached.latestValues('availability', '28d')).toBe(first);
    await new Promise((resolve) => setImmediate(resolve));
    // The failed refresh is tried again by the next call, which still gets the kept answer.
    clock.advance(399);
    expect(await cached.latestValues('availability', '28d')).toBe(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toHaveBeenCalledTimes(3);

    clock.advance(1);
    const fresh = cached.latestValues('availability', '28d');
    expect(reads).toHaveBeenCalledTimes(4);
    expect(await fresh).not.toBe(first);
    expect((await fresh).get('checkout')).toBe(0.999);
  });

  it('drops a refresh that a write through it overtook', async () => {
    const { reads, clock, cached } = await setUp({ ttlMs: 1_000 });
    await cached.latestValues('availability', '28d');
    let answer!: (values: ReadonlyMap<string, number>) => void;
    reads.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));

    clock.advance(500);
    await cached.latestValues('availability', '28d'); // starts the refresh
    await cached.upsert([row('checkout', 0.7, 1)]);
    answer(new Map([['checkout', 0.999]])); // read before the write committed
    await new Promise((resolve) => setImmediate(resolve));

    expect((await cached.latestValues('availability', '28d')).get('checkout')).toBe(0.7);
  });

  it('keeps each SLI type and window apart', async () => {
    const { reads, cached } = await setUp();

    await cached.latestValues('availability', '28d');
    expect((await cached.latestValues('availability', '7d')).size).toBe(0);
    await cached.latestValues('error_rate', '28d');
    await cached.latestValues('availability', '7d');

    expect(reads.mock.calls).toEqual([
      ['availability', '28d'],
      ['availability', '7d'],
      ['error_rate', '28d'],
    ]);
  });

  it('reads its own writes: upsert and purge through it drop what it kept', async () => {
    const { reads, cached } = await setUp();
    await cached.latestValues('availability', '28d');

    await cached.upsert([row('payments', 0.99, 1)]);
    expect(new Map(await cached.latestValues('availability', '28d'))).toEqual(
      new Map([
        ['checkout', 0.999],
        ['payments', 0.99],
      ]),
    );

    expect(await cached.purge(['28d'], new Date(AT.getTime() + 1))).toBe(1);
    expect(new Map(await cached.latestValues('availability', '28d'))).toEqual(
      new Map([['payments', 0.99]]),
    );
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('does not keep a read that ran during a write through it', async () => {
    const { inner, reads, cached } = await setUp();
    let finishWrite!: () => void;
    const written = new Promise<void>((resolve) => (finishWrite = resolve));
    jest.spyOn(inner, 'upsert').mockImplementationOnce(async (rows) => {
      await written;
      return InMemorySliAggregateRepository.prototype.upsert.call(inner, rows);
    });

    const writing = cached.upsert([row('checkout', 0.9, 1)]);
    const during = await cached.latestValues('availability', '28d');
    finishWrite();
    await writing;

    expect(during.get('checkout')).toBe(0.999);
    expect((await cached.latestValues('availability', '28d')).get('checkout')).toBe(0.9);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('shares one read among concurrent callers, and keeps no failed read', async () => {
    const { reads, cached } = await setUp();

    const [a, b] = await Promise.all([
      cached.latestValues('availability', '28d'),
      cached.latestValues('availability', '28d'),
    ]);
    expect(a).toBe(b);
    expect(reads).toHaveBeenCalledTimes(1);

    cached.invalidate();
    reads.mockRejectedValueOnce(new Error('connection reset'));
    await expect(cached.latestValues('availability', '28d')).rejects.toThrow('connection reset');
    expect((await cached.latestValues('availability', '28d')).get('checkout')).toBe(0.999);
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('keeps at most maxEntries reads, dropping the least recently used', async () => {
    const { reads, cached } = await setUp({ maxEntries: 2 });

    await cached.latestValues('availability', '28d');
    await cached.latestValues('availability', '7d');
    await cached.latestValues('availability', '28d');
    await cached.latestValues('availability', '1d'); // drops 7d, read least recently
    await cached.latestValues('availability', '28d');
    await cached.latestValues('availability', '7d');

    expect(reads.mock.calls.map(([, window]) => window)).toEqual(['28d', '7d', '1d', '7d']);
  });

  it('passes latest(serviceId) through uncached', async () => {
    const { inner, cached } = await setUp();
    const latest = jest.spyOn(inner, 'latest');

    expect(await cached.latest('checkout')).toEqual([row('checkout', 0.999)]);
    await cached.latest('checkout');

    expect(latest).toHaveBeenCalledTimes(2);
  });

  it('refuses a TTL or bound that is not a sensible number', () => {
    const inner = new InMemorySliAggregateRepository(new Set());
    const clock = new FixedClock(AT);
    for (const options of [{ ttlMs: -1 }, { ttlMs: Number.NaN }, { ttlMs: Infinity }]) {
      expect(() => new CachingSliAggregateRepository(inner, clock, options)).toThrow(/ttlMs/);
    }
    for (const maxEntries of [0, 1.5, Number.NaN]) {
      expect(() => new CachingSliAggregateRepository(inner, clock, { maxEntries })).toThrow(
        /maxEntries/,
      );
    }
  });
});
