import { existsSync, readdirSync } from 'node:fs';
import { type BackfilledPart, startPrometheus } from './prometheus';

const T0 = Date.UTC(2025, 0, 1) / 1000;

async function instant(url: string, query: string, time: number): Promise<unknown> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query, time: String(time) }),
  });
  return ((await response.json()) as { data: { result: unknown } }).data.result;
}

it('serves backfilled OpenMetrics (string, # EOF appended) and cleans up on stop', async () => {
  const lines = ['# TYPE jobs counter'];
  for (let k = 0; k <= 8; k++) lines.push(`jobs_total{queue="a"} ${k * 10} ${T0 + k * 900}`);
  const prometheus = await startPrometheus({ openMetrics: lines.join('\n') });
  try {
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await instant(prometheus.url, 'increase(jobs_total[2h])', T0 + 7_200)).toEqual([
      { metric: { queue: 'a' }, value: [T0 + 7_200, '80'] },
    ]);
  } finally {
    await prometheus.stop();
  }
  expect(existsSync(prometheus.dir)).toBe(false);
  await prometheus.stop(); // twice is fine
}, 60_000);

it('streams an async iterable and reports promtool errors', async () => {
  async function* history(): AsyncGenerator<string> {
    await new Promise((resolve) => setImmediate(resolve));
    yield '# TYPE g gauge\n';
    yield `g 1 ${T0}\n`;
    yield `g 2 ${T0 + 60}\n`;
  }
  const prometheus = await startPrometheus({ openMetrics: history() });
  try {
    expect(await instant(prometheus.url, 'g', T0 + 60)).toEqual([
      { metric: { __name__: 'g' }, value: [T0 + 60, '2'] },
    ]);
  } finally {
    await prometheus.stop();
  }
  await expect(startPrometheus({ openMetrics: 'this is not openmetrics' })).rejects.toThrow(
    /Prometheus did not start: .*promtool/,
  );
}, 60_000);

it('backfills several parts into one TSDB, overlapping in time, and reports each', async () => {
  // Two families in the first part; the second part adds a series of the same family over the
  // same hours (overlapping blocks) and one sample later than the rest.
  const first = ['# TYPE jobs counter\n'];
  for (let k = 0; k <= 8; k++) first.push(`jobs_total{queue="a"} ${k * 10} ${T0 + k * 900}\n`);
  first.push('# TYPE g gauge\n', `g 1 ${T0}\n`);
  function* second(): Generator<string> {
    yield '# TYPE jobs counter\n';
    for (let k = 0; k <= 8; k++) yield `jobs_total{queue="b"} ${k * 5} ${T0 + k * 900}\n`;
    yield `jobs_total{queue="b"} 45 ${T0 + 9 * 900}\n# EOF\n`;
  }
  const promtools: number[] = [];
  const reported: BackfilledPart[] = [];
  const prometheus = await startPrometheus({
    openMetricsParts: [first.join(''), second()],
    promtoolTimeoutMs: 30_000,
    onPromtool: (child, part) => {
      expect(child.pid).toBeGreaterThan(0);
      promtools.push(part);
    },
    onPartBackfilled: (part) => reported.push(part),
  });
  try {
    expect(promtools).toEqual([0, 1]);
    expect(prometheus.parts).toEqual(reported);
    expect(prometheus.parts.map((part) => part.index)).toEqual([0, 1]);
    // `# EOF` is added to the first part, not to the second, which has it.
    expect(prometheus.parts[0].bytes).toBe(Buffer.byteLength(`${first.join('')}# EOF\n`));
    expect(prometheus.parts[1].bytes).toBe(Buffer.byteLength([...second()].join('')));
    expect(prometheus.pid).toBeGreaterThan(0);
    // The inputs are gone once converted; the blocks of both parts are in one data directory.
    expect(readdirSync(prometheus.dir).sort()).toEqual(['data', 'prometheus.yml']);
    const blocks = readdirSync(prometheus.dataDir).filter((entry) => /^[0-9A-Z]{26}$/.test(entry));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(
      await instant(prometheus.url, 'sort_desc(increase(jobs_total[2h]))', T0 + 7_200),
    ).toEqual([
      { metric: { queue: 'a' }, value: [T0 + 7_200, '80'] },
      { metric: { queue: 'b' }, value: [T0 + 7_200, '40'] },
    ]);
    expect(await instant(prometheus.url, 'jobs_total{queue="b"}', T0 + 9 * 900)).toEqual([
      { metric: { __name__: 'jobs_total', queue: 'b' }, value: [T0 + 9 * 900, '45'] },
    ]);
    expect(await instant(prometheus.url, 'g', T0)).toEqual([
      { metric: { __name__: 'g' }, value: [T0, '1'] },
    ]);
  } finally {
    await prometheus.stop();
  }
  expect(existsSync(prometheus.dir)).toBe(false);
}, 60_000);
