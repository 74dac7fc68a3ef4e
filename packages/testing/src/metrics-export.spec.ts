import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  nearestRankPercentile,
  SLO_METRICS_OUTPUT_VARIABLE,
  SloMetricsExportError,
  SloMetricsRecorder,
} from './metrics-export';

const CONVERT = 'convert:convert_document_to_pdf';
const CLASSIFY = 'classify:classify_email';

/** The metrics mapping of a written file (comments dropped, the rest as slo-check reads it). */
function readMetrics(path: string): Record<string, Record<string, number>> {
  const metrics: Record<string, Record<string, number>> = {};
  let current: Record<string, number> | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#') || line === '{}') continue;
    const key = /^("[^"]+"):$/.exec(line);
    if (key) {
      current = metrics[JSON.parse(key[1]) as string] = {};
      continue;
    }
    const metric = /^ {2}([a-z0-9_]+): (\S+)$/.exec(line);
    if (!metric || current === undefined) throw new Error(`unexpected line: ${line}`);
    current[metric[1]] = Number(metric[2]);
  }
  return metrics;
}

function recorderWith(samples: ReadonlyArray<[string, number, boolean]>): SloMetricsRecorder {
  const recorder = new SloMetricsRecorder();
  for (const [capability, latency, ok] of samples) recorder.record(capability, latency, ok);
  return recorder;
}

describe('nearestRankPercentile', () => {
  it('takes the smallest value with at least p % of the values at or below it', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRankPercentile(oneToHundred, 50)).toBe(50);
    expect(nearestRankPercentile(oneToHundred, 95)).toBe(95);
    expect(nearestRankPercentile(oneToHundred, 99)).toBe(99);
    expect(nearestRankPercentile(oneToHundred, 100)).toBe(100);
    expect(nearestRankPercentile([7], 1)).toBe(7);
    expect(nearestRankPercentile([1, 2, 3], 50)).toBe(2);
    expect(nearestRankPercentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('is a measured value with p % at or below it and less than p % strictly below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(50, 95, 99, 99.9),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const v = nearestRankPercentile(sorted, p);
          expect(sorted).toContain(v);
          expect(sorted.filter((x) => x <= v).length).toBeGreaterThanOrEqual(
            (p / 100) * sorted.length - 1e-9,
          );
          expect(sorted.filter((x) => x < v).length).toBeLessThan((p / 100) * sorted.length);
        },
      ),
    );
  });

  it('refuses an empty list and a percentile outside (0, 100]', () => {
    expect(() => nearestRankPercentile([], 50)).toThrow(SloMetricsExportError);
    expect(() => nearestRankPercentile([1], 0)).toThrow(/percentile must be in \(0, 100\]/);
    expect(() => nearestRankPercentile([1], 101)).toThrow(SloMetricsExportError);
  });
});

describe('SloMetricsRecorder', () => {
  let dir: string;
  let output: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slo-metrics-export-'));
    output = join(dir, 'test-results', 'metrics.yml');
    env = { [SLO_METRICS_OUTPUT_VARIABLE]: output };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('summarizes latency percentiles and availability per capability', () => {
    const recorder = new SloMetricsRecorder();
    for (let ms = 1; ms <= 100; ms++) recorder.record(CONVERT, ms, ms !== 100);
    recorder.record(CLASSIFY, 12.5, true);

    expect(recorder.summary()).toEqual({
      [CLASSIFY]: { p50_ms: 12.5, p95_ms: 12.5, p99_ms: 12.5, availability: 1, requests: 1 },
      [CONVERT]: { p50_ms: 50, p95_ms: 95, p99_ms: 99, availability: 0.99, requests: 100 },
    });
  });

  it('writes the metrics file slo-check reads, creating its directory', async () => {
    const recorder = recorderWith([
      [CONVERT, 40, true],
      [CONVERT, 80, false],
      [CLASSIFY, 900, true],
    ]);

    await expect(recorder.writeIfRequested(env)).resolves.toBe(output);

    const text = readFileSync(output, 'utf8');
    expect(text).toMatch(/^# Written by SloMetricsRecorder/);
    expect(text.split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      `"${CLASSIFY}":`,
      '  p50_ms: 900',
      '  p95_ms: 900',
      '  p99_ms: 900',
      '  availability: 1',
      `"${CONVERT}":`,
      '  p50_ms: 40',
      '  p95_ms: 80',
      '  p99_ms: 80',
      '  availability: 0.5',
      '',
    ]);
  });

  it('writes nothing when SLO_METRICS_OUTPUT is unset or empty', async () => {
    const recorder = recorderWith([[CONVERT, 1, true]]);

    await expect(recorder.writeIfRequested({})).resolves.toBeUndefined();
    await expect(recorder.writeIfRequested({ SLO_METRICS_OUTPUT: '  ' })).resolves.toBeUndefined();

    expect(existsSync(join(dir, 'test-results'))).toBe(false);
    expect(recorder.summary()[CONVERT].requests).toBe(1);
  });

  it('resolves a relative SLO_METRICS_OUTPUT against the working directory', async () => {
    jest.spyOn(process, 'cwd').mockReturnValue(dir);
    try {
      const written = await new SloMetricsRecorder().writeIfRequested({
        SLO_METRICS_OUTPUT: 'test-results/metrics.yml',
      });
      expect(written).toBe(output);
      expect(readMetrics(output)).toEqual({});
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('adds up the samples of several test files, percentiles over all of them', async () => {
    const first = recorderWith(Array.from({ length: 50 }, (_, i) => [CONVERT, i + 1, true]));
    const second = recorderWith([
      ...Array.from({ length: 50 }, (_, i): [string, number, boolean] => [CONVERT, i + 51, i < 48]),
      [CLASSIFY, 5, false],
    ]);

    await first.writeIfRequested(env);
    expect(readMetrics(output)).toEqual({
      [CONVERT]: { p50_ms: 25, p95_ms: 48, p99_ms: 50, availability: 1 },
    });
    await second.writeIfRequested(env);

    expect(readMetrics(output)).toEqual({
      [CLASSIFY]: { p50_ms: 5, p95_ms: 5, p99_ms: 5, availability: 0 },
      [CONVERT]: { p50_ms: 50, p95_ms: 95, p99_ms: 99, availability: 0.98 },
    });
  });

  it('empties itself on writing, so writing twice counts nothing twice', async () => {
    const recorder = recorderWith([
      [CONVERT, 10, true],
      [CONVERT, 20, false],
    ]);

    await recorder.writeIfRequested(env);
    await recorder.writeIfRequested(env);

    expect(recorder.summary()).toEqual({});
    expect(readMetrics(output)[CONVERT]).toEqual({
      p50_ms: 10,
      p95_ms: 20,
      p99_ms: 20,
      availability: 0.5,
    });
  });

  it('loses no sample when many writers merge at once (the lock serializes them)', async () => {
    const writers = Array.from({ length: 12 }, (_, w) =>
      recorderWith(Array.from({ length: 10 }, (_, i) => [CONVERT, w * 10 + i + 1, i !== 0])),
    );

    await Promise.all(writers.map((writer) => writer.writeIfRequested(env)));

    const samples = JSON.parse(readFileSync(`${output}.samples.json`, 'utf8')) as {
      capabilities: Record<string, { latencies_ms: number[]; failures: number }>;
    };
    expect([...samples.capabilities[CONVERT].latencies_ms].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    expect(readMetrics(output)[CONVERT]).toEqual({
      p50_ms: 60,
      p95_ms: 114,
      p99_ms: 119,
      availability: 0.9,
    });
    expect(existsSync(`${output}.lock`)).toBe(false);
  });

  it('gives the same file however the samples are split between test files', async () => {
    const sample = fc.tuple(
      fc.constantFrom(CONVERT, CLASSIFY, 'route:a'),
      fc.integer({ min: 0, max: 10_000 }).map((n) => n / 8),
      fc.boolean(),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(sample, { maxLength: 30 }), { minLength: 1, maxLength: 5 }),
        async (files) => {
          run++;
          const split = join(dir, `split-${run}.yml`);
          const whole = join(dir, `whole-${run}.yml`);
          for (const samples of files) {
            await recorderWith(samples).writeIfRequested({ SLO_METRICS_OUTPUT: split });
          }
          await recorderWith(files.flat()).writeIfRequested({ SLO_METRICS_OUTPUT: whole });
          expect(readMetrics(split)).toEqual(readMetrics(whole));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a corrupt samples file instead of overwriting it', async () => {
    await recorderWith([[CONVERT, 1, true]]).writeIfRequested(env);
    writeFileSync(`${output}.samples.json`, '{"format":"something else"}');

    const writing = recorderWith([[CONVERT, 2, true]]).writeIfRequested(env);

    await expect(writing).rejects.toMatchObject({ code: 'SLO_METRICS.CORRUPT_SAMPLES_FILE' });
    expect(readFileSync(`${output}.samples.json`, 'utf8')).toBe('{"format":"something else"}');
    expect(existsSync(`${output}.lock`)).toBe(false);
  });

  it('breaks the lock of a writer that died', async () => {
    mkdirSync(join(dir, 'test-results'));
    // No live process has pid 2^22 + 1 (above Linux's default pid_max of 2^22).
    writeFileSync(`${output}.lock`, String(2 ** 22 + 1));

    await recorderWith([[CONVERT, 3, true]]).writeIfRequested(env);

    expect(readMetrics(output)[CONVERT].p50_ms).toBe(3);
  });

  it('rejects samples slo-check could not take', () => {
    const recorder = new SloMetricsRecorder();
    const codeOf = (record: () => void): unknown => {
      try {
        record();
      } catch (error) {
        return (error as SloMetricsExportError).code;
      }
      return 'no error';
    };
    for (const capability of ['convert', 'a:b:c', ':b', 'a b:c', '']) {
      expect(codeOf(() => recorder.record(capability, 1, true))).toBe('SLO_METRICS.INVALID_SAMPLE');
    }
    for (const latency of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => recorder.record(CONVERT, latency, true)).toThrow(/latencyMs must be/);
    }
    expect(recorder.summary()).toEqual({});
  });
});
