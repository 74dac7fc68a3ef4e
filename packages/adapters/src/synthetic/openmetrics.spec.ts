import { writeOpenMetrics, type OpenMetricsOptions } from './openmetrics';
import { SyntheticFleet } from './synthetic-fleet';

const ORIGIN = new Date('2026-01-05T00:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(ORIGIN.getTime() + hours * HOUR);

const fleet = new SyntheticFleet({
  services: [
    { serviceId: 'web-gateway' },
    { serviceId: 'checkout' },
    { serviceId: 'odd "name"\\x' },
    { serviceId: 'fresh' },
  ],
  edges: [
    { source: 'web-gateway', target: 'checkout' },
    { source: 'checkout', target: 'odd "name"\\x' },
  ],
  seed: 'om',
  origin: ORIGIN,
  overrides: { fresh: { firstSeenAt: at(5) } },
});

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
  readonly timestamp: number;
}

interface Family {
  readonly name: string;
  readonly type: string;
  readonly samples: Sample[];
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * A tiny OpenMetrics text parser that checks the structure promtool relies on: metadata before
 * samples, samples belonging to the current family, families and series not interleaved, `# EOF`
 * last. Returns the families in order.
 */
function parseOpenMetrics(text: string): Family[] {
  expect(text.endsWith('# EOF\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines.pop()).toBe('# EOF');
  const families: Family[] = [];
  const seenFamilies = new Set<string>();
  let current: Family | undefined;
  let currentMetric: string | undefined;
  let finishedMetrics = new Set<string>();
  for (const line of lines) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(seenFamilies.has(meta[2])).toBe(false);
        seenFamilies.add(meta[2]);
        current = { name: meta[2], type: meta[3], samples: [] };
        families.push(current);
        currentMetric = undefined;
        finishedMetrics = new Set();
      }
      continue;
    }
    expect(line.startsWith('#')).toBe(false);
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*)\} (\S+) (\S+)$/.exec(
        line,
      );
    expect(sample).not.toBeNull();
    const [, name, labelText, value, timestamp] = sample!;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of labelText.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = unescape(raw);
    }
    expect(current).toBeDefined();
    const family = current!;
    const suffixes = family.type === 'histogram' ? ['_bucket', '_count', '_sum'] : ['_total'];
    expect(suffixes.map((s) => family.name + s)).toContain(name);
    // A metric (label set without `le`) is contiguous: once left, never seen again.
    const { le: _le, ...identity } = labels;
    const metric = JSON.stringify(identity);
    if (metric !== currentMetric) {
      expect(finishedMetrics.has(metric)).toBe(false);
      if (currentMetric !== undefined) finishedMetrics.add(currentMetric);
      currentMetric = metric;
    }
    expect(Number.isFinite(Number(value))).toBe(true);
    expect(Number.isFinite(Number(timestamp))).toBe(true);
    family.samples.push({ name, labels, value: Number(value), timestamp: Number(timestamp) });
  }
  return families;
}

function collect(options: OpenMetricsOptions, target = fleet): { text: string; chunks: string[] } {
  const chunks = [...writeOpenMetrics(target, options)];
  return { text: chunks.join(''), chunks };
}

/** Series of a family keyed by name + labels, values in order. */
function seriesOf(family: Family): Map<string, Sample[]> {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const key = `${sample.name}${JSON.stringify(sample.labels)}`;
    const list = series.get(key) ?? [];
    list.push(sample);
    series.set(key, list);
  }
  return series;
}

describe('writeOpenMetrics', () => {
  const range = { start: at(0), end: at(48) };
  const { text } = collect({ ...range, scrapeIntervalSeconds: 3600 });
  const families = parseOpenMetrics(text);

  it('writes the three families in order, each series in time order, counters monotone', () => {
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ['http_requests', 'counter'],
      ['http_request_duration_seconds', 'histogram'],
      ['container_cpu_cfs_throttled_seconds', 'counter'],
    ]);
    for (const family of families) {
      for (const samples of seriesOf(family).values()) {
        for (let k = 1; k < samples.length; k++) {
          expect(samples[k].timestamp).toBeGreaterThan(samples[k - 1].timestamp);
          expect(samples[k].value).toBeGreaterThanOrEqual(samples[k - 1].value);
        }
      }
    }
    expect(text).toContain('http_requests_total{service="odd \\"name\\"\\\\x",status="200"}');
  });

  it('reproduces the model: hourly increases equal the hourly counts', () => {
    const requests = seriesOf(families[0]);
    for (const id of ['web-gateway', 'checkout', 'odd "name"\\x']) {
      const good = requests.get(
        `http_requests_total${JSON.stringify({ service: id, status: '200' })}`,
      )!;
      const bad = requests.get(
        `http_requests_total${JSON.stringify({ service: id, status: '500' })}`,
      )!;
      expect(good).toHaveLength(49);
      expect(good[0].value).toBe(0);
      expect(good[0].timestamp).toBe(ORIGIN.getTime() / 1000);
      for (let h = 0; h < 48; h++) {
        const hour = fleet.hour(id, h);
        expect(good[h + 1].value - good[h].value).toBe(hour.good);
        expect(bad[h + 1].value - bad[h].value).toBe(hour.total - hour.good);
      }
    }
    const throttling = [...seriesOf(families[2]).values()][0];
    expect(throttling[0].labels.pod).toBe(fleet.profile('web-gateway').podName);
    expect(throttling[5].value - throttling[4].value).toBeCloseTo(
      fleet.hour('web-gateway', 4).throttledSeconds,
      6,
    );
  });

  it('writes cumulative histograms: buckets ascending, +Inf = _count, increases = model', () => {
    const byTime = new Map<string, Sample[]>();
    for (const sample of families[1].samples) {
      const key = `${sample.labels.service}@${sample.timestamp}`;
      const list = byTime.get(key) ?? [];
      list.push(sample);
      byTime.set(key, list);
    }
    for (const samples of byTime.values()) {
      const buckets = samples.filter((s) => s.name.endsWith('_bucket'));
      expect(buckets.map((b) => b.labels.le)).toEqual([
        '0.005',
        '0.01',
        '0.025',
        '0.05',
        '0.1',
        '0.25',
        '0.5',
        '1.0',
        '2.5',
        '5.0',
        '10.0',
        '+Inf',
      ]);
      for (let j = 1; j < buckets.length; j++) {
        expect(buckets[j].value).toBeGreaterThanOrEqual(buckets[j - 1].value);
      }
      const count = samples.find((s) => s.name.endsWith('_count'))!;
      expect(count.value).toBe(buckets[buckets.length - 1].value);
      expect(samples.map((s) => s.name.slice('http_request_duration_seconds'.length))).toEqual([
        ...Array<string>(12).fill('_bucket'),
        '_count',
        '_sum',
      ]);
    }
    const t = (h: number) => ORIGIN.getTime() / 1000 + h * 3600;
    const le = (h: number, j: number) =>
      byTime.get(`checkout@${t(h)}`)!.filter((s) => s.name.endsWith('_bucket'))[j].value;
    const hour = fleet.hour('checkout', 10);
    for (let j = 0; j < 12; j++) expect(le(11, j) - le(10, j)).toBe(hour.latencyBucketCounts[j]);
  });

  it("starts a new service's series at its firstSeenAt", () => {
    const fresh = [...seriesOf(families[0]).entries()].find(([key]) => key.includes('"fresh"'))!;
    expect(fresh[1][0].timestamp).toBe(at(5).getTime() / 1000);
    expect(fresh[1][0].value).toBe(0);
    expect(fresh[1]).toHaveLength(44);
  });

  it('interpolates linearly inside the hour for shorter scrape intervals', () => {
    const fine = parseOpenMetrics(
      collect({ start: at(2), end: at(4), scrapeIntervalSeconds: 1200, services: ['checkout'] })
        .text,
    );
    const good = fine[0].samples.filter((s) => s.labels.status === '200').map((s) => s.value);
    expect(good).toHaveLength(7);
    const h2 = fleet.hour('checkout', 2).good;
    const h3 = fleet.hour('checkout', 3).good;
    expect(good[1]).toBeCloseTo(h2 / 3, 9);
    expect(good[2]).toBeCloseTo((2 * h2) / 3, 9);
    expect(good[3]).toBe(h2);
    expect(good[4]).toBeCloseTo(h2 + h3 / 3, 9);
    expect(good[6]).toBe(h2 + h3);
  });

  it('streams in bounded chunks', () => {
    const { chunks } = collect({ ...range, scrapeIntervalSeconds: 600, chunkSize: 4096 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(4096);
      expect(chunk.length).toBeLessThan(4096 + 2048);
    }
  });

  it('accepts other metric names and rejects invalid options', () => {
    const { text: renamed } = collect({
      start: at(0),
      end: at(1),
      scrapeIntervalSeconds: 3600,
      services: ['checkout'],
      metricNames: { requests: 'requests_total', duration: 'latency_seconds' },
    });
    const parsed = parseOpenMetrics(renamed);
    expect(parsed.map((f) => f.name)).toEqual([
      'requests',
      'latency_seconds',
      'container_cpu_cfs_throttled_seconds',
    ]);
    const bad = (options: Partial<OpenMetricsOptions>) => () =>
      collect({ start: at(0), end: at(1), scrapeIntervalSeconds: 60, ...options });
    expect(bad({ scrapeIntervalSeconds: 0 })).toThrow(/scrapeIntervalSeconds/);
    expect(bad({ scrapeIntervalSeconds: 0.0001 })).toThrow(/scrapeIntervalSeconds/);
    expect(bad({ end: at(-1) })).toThrow(/end/);
    expect(bad({ metricNames: { requests: 'requests' } })).toThrow(/_total/);
    expect(bad({ metricNames: { duration: 'bad name' } })).toThrow(/metric name/);
    expect(bad({ services: ['nope'] })).toThrow(/unknown service/);
  });
});
