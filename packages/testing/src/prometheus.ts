/**
 * A real Prometheus for integration tests and benchmarks, holding exactly the history they
 * generate: the OpenMetrics text is backfilled into TSDB blocks with `promtool tsdb
 * create-blocks-from openmetrics`, then `prometheus` serves them from a temporary directory on a
 * free local port. A history too large for one promtool run (promtool maps its whole input into
 * memory) can come in parts: each is its own file and promtool run, all into one TSDB.
 * Binaries: PROMETHEUS_BIN / PROMTOOL_BIN, else `prometheus` / `promtool` on the PATH
 * (Debian/Ubuntu: `apt-get install -y prometheus`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  createWriteStream,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * OpenMetrics text: `# TYPE` lines, one family after the other, each series' samples in time
 * order with timestamps in seconds. `# EOF` is appended when missing. An iterable is streamed to
 * disk chunk by chunk, so large histories need not sit in memory.
 */
export type OpenMetricsSource = string | AsyncIterable<string> | Iterable<string>;

export interface StartPrometheusCommonOptions {
  /** Passed to promtool (default `720h`: a few large blocks load and query faster than 2h ones). */
  readonly maxBlockDuration?: string;
  /** How long one promtool run may take before it is killed (default 120000). */
  readonly promtoolTimeoutMs?: number;
  /** Extra `prometheus` flags. */
  readonly extraArgs?: readonly string[];
  /** How long to wait for `/-/ready` (default 30000). */
  readonly readyTimeoutMs?: number;
  /** Where PROMETHEUS_BIN / PROMTOOL_BIN / PATH are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each promtool process as it starts (e.g. to sample its memory). */
  readonly onPromtool?: (child: ChildProcess, part: number) => void;
  /** Called as each part is in the TSDB (e.g. to log progress). */
  readonly onPartBackfilled?: (part: BackfilledPart) => void;
}

export type StartPrometheusOptions = StartPrometheusCommonOptions &
  (
    | {
        /** The history to serve. */
        readonly openMetrics: OpenMetricsSource;
        readonly openMetricsParts?: undefined;
      }
    | {
        /**
         * The history to serve in parts, each backfilled by its own promtool run into the same
         * TSDB (part i + 1 is written while promtool converts part i). Parts may cover the same
         * time range: Prometheus 2.39+ serves overlapping blocks and compacts them vertically
         * from its first compaction cycle, a minute after start.
         */
        readonly openMetricsParts: readonly OpenMetricsSource[];
        readonly openMetrics?: undefined;
      }
  );

export interface BackfilledPart {
  /** Index in `openMetricsParts` (0 for `openMetrics`). */
  readonly index: number;
  /** Bytes of OpenMetrics text written, `# EOF` included. */
  readonly bytes: number;
  /** Writing the text to disk (and generating it, for an iterable). */
  readonly writeMs: number;
  /** promtool turning it into blocks. */
  readonly promtoolMs: number;
}

export interface StartedPrometheus {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The temporary directory (config and TSDB), removed by `stop()`. */
  readonly dir: string;
  /** The TSDB directory inside `dir`. */
  readonly dataDir: string;
  /** The Prometheus process id. */
  readonly pid: number;
  /**
   * Wall time of the backfill (writing and converting every part; the two overlap), and from
   * spawning Prometheus to `/-/ready`.
   */
  readonly timings: { readonly backfillMs: number; readonly startMs: number };
  /** Each part backfilled, in order. */
  readonly parts: readonly BackfilledPart[];
  /** Stops Prometheus and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface PrometheusBinaries {
  readonly prometheus: string;
  readonly promtool: string;
}

const INSTALL_HINT =
  'Install Prometheus (Debian/Ubuntu: `sudo apt-get install -y prometheus`; elsewhere unpack a ' +
  'release from https://prometheus.io/download/) or point PROMETHEUS_BIN and PROMTOOL_BIN at the binaries.';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function locate(name: string, variable: string, env: NodeJS.ProcessEnv): string {
  const override = env[variable]?.trim();
  if (override) {
    if (executable(override)) return override;
    throw new Error(
      `@slo-engine/testing: ${variable}=${override} is not an executable file. ${INSTALL_HINT}`,
    );
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin']) {
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  throw new Error(`@slo-engine/testing: \`${name}\` was not found on the PATH. ${INSTALL_HINT}`);
}

/** The `prometheus` and `promtool` binaries to use, or an error that says how to install them. */
export function prometheusBinaries(env: NodeJS.ProcessEnv = process.env): PrometheusBinaries {
  return {
    prometheus: locate('prometheus', 'PROMETHEUS_BIN', env),
    promtool: locate('promtool', 'PROMTOOL_BIN', env),
  };
}

/** Whether both binaries can be found (for tests that skip without them). */
export function prometheusAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    prometheusBinaries(env);
    return true;
  } catch {
    return false;
  }
}

/** Writes `source` to `file`, `# EOF` appended when missing; resolves with the bytes written. */
async function writeOpenMetrics(file: string, source: OpenMetricsSource): Promise<number> {
  if (typeof source === 'string') {
    const text = /# EOF\s*$/.test(source) ? source : `${source.replace(/\n?$/, '\n')}# EOF\n`;
    writeFileSync(file, text);
    return Buffer.byteLength(text);
  }
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  let tail = '';
  let bytes = 0;
  const write = async (chunk: string): Promise<void> => {
    if (chunk === '') return;
    tail = (tail + chunk).slice(-16);
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    for await (const chunk of source) await write(chunk);
    if (!/# EOF\s*$/.test(tail))
      await write(`${/\n$/.test(tail) || tail === '' ? '' : '\n'}# EOF\n`);
  } finally {
    out.end();
    await Promise.race([once(out, 'close'), failed]);
  }
  return bytes;
}

function run(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  onSpawn?: (child: ChildProcess) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${output.trim()}`,
          ),
        );
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state: { exited?: string } = {};
  const onExit = (code: number | null, signal: string | null): void => {
    state.exited = signal ?? `exit ${code}`;
  };
  child.once('exit', onExit);
  try {
    while (Date.now() < deadline) {
      if (state.exited !== undefined) {
        throw new Error(`prometheus stopped (${state.exited}): ${log().trim()}`);
      }
      try {
        const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`prometheus was not ready after ${timeoutMs} ms: ${log().trim()}`);
  } finally {
    child.off('exit', onExit);
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Backfills every part of `openMetricsParts` into one TSDB, part i + 1 written while promtool
 * converts part i (two processes, two cores); each file is removed once converted.
 */
async function backfill(
  promtool: string,
  sources: readonly OpenMetricsSource[],
  dir: string,
  dataDir: string,
  options: StartPrometheusCommonOptions,
): Promise<BackfilledPart[]> {
  const parts: BackfilledPart[] = [];
  const convert = async (file: string, index: number, bytes: number, writeMs: number) => {
    const started = Date.now();
    await run(
      promtool,
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '--quiet',
        `--max-block-duration=${options.maxBlockDuration ?? '720h'}`,
        file,
        dataDir,
      ],
      options.promtoolTimeoutMs ?? 120_000,
      (child) => options.onPromtool?.(child, index),
    );
    rmSync(file, { force: true });
    const part = { index, bytes, writeMs, promtoolMs: Date.now() - started };
    parts.push(part);
    options.onPartBackfilled?.(part);
  };
  let converting: Promise<void> = Promise.resolve();
  try {
    for (const [index, source] of sources.entries()) {
      const file = join(dir, `part-${index}.om.txt`);
      const started = Date.now();
      const bytes = await writeOpenMetrics(file, source);
      const writeMs = Date.now() - started;
      await converting;
      converting = convert(file, index, bytes, writeMs);
      // Keep a rejection from going unhandled while the next part is written.
      converting.catch(() => undefined);
    }
    await converting;
  } finally {
    // Never leave promtool writing into a directory about to be removed.
    await converting.catch(() => undefined);
  }
  return parts;
}

/**
 * Backfills `openMetrics` (or every part of `openMetricsParts`) and starts Prometheus on it
 * (retention 100 years, so old timestamps stay). Resolves once `/-/ready` answers; `stop()` kills
 * it and removes every file it made.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<StartedPrometheus> {
  const bins = prometheusBinaries(options.env);
  const sources =
    options.openMetricsParts ?? (options.openMetrics === undefined ? [] : [options.openMetrics]);
  if (sources.length === 0 || (options.openMetrics !== undefined && options.openMetricsParts)) {
    throw new Error(
      '@slo-engine/testing: startPrometheus needs `openMetrics` or a non-empty `openMetricsParts`, not both.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'slo-engine-prometheus-'));
  const dataDir = join(dir, 'data');
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let child: ChildProcess | undefined;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  try {
    const backfillStarted = Date.now();
    const parts = await backfill(bins.promtool, sources, dir, dataDir, options);
    const backfillMs = Date.now() - backfillStarted;

    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n',
    );
    const startStarted = Date.now();
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      let log = '';
      child = spawn(
        bins.prometheus,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${dataDir}`,
          '--storage.tsdb.retention.time=100y',
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
          ...(options.extraArgs ?? []),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr!.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-8_000);
      });
      process.once('exit', killOnExit);
      try {
        await waitUntilReady(url, child, () => log, options.readyTimeoutMs ?? 30_000);
      } catch (error) {
        await terminate(child);
        process.off('exit', killOnExit);
        // Another process may have taken the port between the probe and the bind: try again.
        if (attempt < 3 && /address already in use/i.test(log)) continue;
        throw error;
      }
      const started = child;
      let stopped: Promise<void> | undefined;
      return {
        url,
        dir,
        dataDir,
        pid: started.pid!,
        timings: { backfillMs, startMs: Date.now() - startStarted },
        parts,
        stop: () =>
          (stopped ??= (async () => {
            await terminate(started);
            process.off('exit', killOnExit);
            removeDir();
          })()),
      };
    }
  } catch (error) {
    removeDir();
    throw new Error(`@slo-engine/testing: Prometheus did not start: ${(error as Error).message}`);
  }
}
