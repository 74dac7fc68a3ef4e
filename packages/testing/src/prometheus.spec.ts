import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusAvailable, prometheusBinaries, startPrometheus } from './prometheus';

describe('prometheusBinaries', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prom-bins-'));
    for (const name of ['prometheus', 'promtool']) {
      writeFileSync(join(dir, name), '#!/bin/sh\n');
      chmodSync(join(dir, name), 0o755);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('honours PROMETHEUS_BIN and PROMTOOL_BIN', () => {
    const env = {
      PATH: '',
      PROMETHEUS_BIN: join(dir, 'prometheus'),
      PROMTOOL_BIN: join(dir, 'promtool'),
    };
    expect(prometheusBinaries(env)).toEqual({
      prometheus: env.PROMETHEUS_BIN,
      promtool: env.PROMTOOL_BIN,
    });
  });

  it('searches the PATH', () => {
    expect(prometheusBinaries({ PATH: dir })).toEqual({
      prometheus: join(dir, 'prometheus'),
      promtool: join(dir, 'promtool'),
    });
  });

  it('says how to install them when an override is wrong', () => {
    const env = { PROMETHEUS_BIN: '/nonexistent/prometheus', PROMTOOL_BIN: join(dir, 'promtool') };
    expect(() => prometheusBinaries(env)).toThrow(
      /PROMETHEUS_BIN=\/nonexistent\/prometheus is not an executable.*apt-get install -y prometheus/,
    );
    expect(prometheusAvailable(env)).toBe(false);
  });

  it('asks for exactly one of openMetrics and a non-empty openMetricsParts', async () => {
    const env = { PATH: dir };
    await expect(startPrometheus({ openMetricsParts: [], env })).rejects.toThrow(
      /needs `openMetrics` or a non-empty `openMetricsParts`/,
    );
    await expect(
      // @ts-expect-error: the types allow one or the other
      startPrometheus({ openMetrics: 'a', openMetricsParts: ['b'], env }),
    ).rejects.toThrow(/not both/);
  });

  it('kills promtool after promtoolTimeoutMs', async () => {
    const slow = join(dir, 'slow-promtool');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(slow, 0o755);
    const started = Date.now();
    await expect(
      startPrometheus({
        openMetrics: '# TYPE g gauge\ng 1 0\n',
        promtoolTimeoutMs: 300,
        env: { PATH: dir, PROMTOOL_BIN: slow },
      }),
    ).rejects.toThrow(/Prometheus did not start: .*slow-promtool .* failed \(SIGKILL\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails startPrometheus with the same advice, before making anything', async () => {
    await expect(
      startPrometheus({ openMetrics: '', env: { PROMETHEUS_BIN: '/nonexistent/prometheus' } }),
    ).rejects.toThrow(/apt-get install -y prometheus/);
  });
});
