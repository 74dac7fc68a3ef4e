import { existsSync } from 'node:fs';
import { startPrometheus } from './prometheus';

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
