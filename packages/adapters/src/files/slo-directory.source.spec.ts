import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type SloLoadReport } from '@slo-engine/core';
import { SloDirectorySource, type SloDirectoryLogger } from './slo-directory.source';

const EXAMPLES = resolve(__dirname, '../../../slo-schema/examples/slos');
const CONVERT_EXAMPLE = join(EXAMPLES, 'convert_document_to_pdf.yml');
const WAIT_MS = 10_000;

/** The convert example with another capability name (and optionally a broken line). */
function sloYaml(name: string, replacements: ReadonlyArray<[string, string]> = []): string {
  let text = readFileSync(CONVERT_EXAMPLE, 'utf8').replace(
    'name: convert_document_to_pdf',
    `name: ${name}`,
  );
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`fixture: ${from} not in the example`);
    text = text.replace(from, to);
  }
  return text;
}

function keys(report: SloLoadReport): string[] {
  return report.definitions.map((d) => d.loaded.key);
}

/** Counts `onChange` calls and lets a test wait for the n-th without sleeping. */
class ChangeLog {
  calls = 0;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  readonly onChange = (): void => {
    this.calls++;
    for (const waiter of this.waiters.filter((w) => w.count <= this.calls)) waiter.resolve();
  };

  waitFor(count: number): Promise<void> {
    if (this.calls >= count) return Promise.resolve();
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`expected ${count} change(s) within ${WAIT_MS} ms, saw ${this.calls}`)),
        WAIT_MS,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolvePromise();
        },
      });
    });
  }
}

function recordingLogger(): SloDirectoryLogger & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    info: (_context, message) => messages.push(`info: ${message}`),
    warn: (_context, message) => messages.push(`warn: ${message}`),
  };
}

describe('SloDirectorySource', () => {
  let root: string;
  let dir: string;
  const stops: Array<() => void> = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'slo-directory-source-'));
    dir = join(root, 'slos');
    mkdirSync(dir);
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    rmSync(root, { recursive: true, force: true });
  });

  function watched(
    source: SloDirectorySource,
    log = new ChangeLog(),
  ): { log: ChangeLog; stop: () => void } {
    const stop = source.watch(log.onChange);
    stops.push(stop);
    return { log, stop };
  }

  describe('load', () => {
    it('loads the example SLO files of spec 000 with their modification times', async () => {
      const report = await new SloDirectorySource(EXAMPLES).load();

      expect(report.issues).toEqual([]);
      expect(report.files).toBe(3);
      expect(report.directory).toBe(EXAMPLES);
      expect(keys(report)).toEqual([
        'classify:classify_email',
        'convert:convert_document_to_pdf',
        'example:example_capability',
      ]);
      for (const { loaded, changedAt } of report.definitions) {
        expect(changedAt).toBe(Math.floor(statSync(loaded.file).mtimeMs));
      }
      const convert = report.definitions[1].loaded;
      expect(convert.file).toBe(CONVERT_EXAMPLE);
      expect(convert.slo.slo.latency.p95_ms).toBe(100);
    });

    it('takes changedAt from the file mtime, so the grace period starts at the last edit', async () => {
      writeFileSync(join(dir, 'a.yml'), sloYaml('a'));
      const lastEdit = new Date('2025-03-04T05:06:07.000Z');
      utimesSync(join(dir, 'a.yml'), lastEdit, lastEdit);

      const report = await new SloDirectorySource(dir).load();

      expect(report.definitions.map((d) => d.changedAt)).toEqual([lastEdit.getTime()]);
    });

    it('skips an invalid file with every issue located, and still loads the valid ones', async () => {
      writeFileSync(join(dir, 'good.yml'), sloYaml('good'));
      writeFileSync(
        join(dir, 'bad.yaml'),
        sloYaml('bad', [
          ["version: '1.0'", 'version: 1.0'],
          ['grace_period_days: 7', 'grace_period_days: 7\n  grace_days: 3'],
        ]),
      );

      const report = await new SloDirectorySource(dir).load();

      expect(keys(report)).toEqual(['convert:good']);
      expect(report.files).toBe(2);
      const file = join(dir, 'bad.yaml');
      expect(report.issues).toEqual([
        expect.objectContaining({
          file,
          path: 'capability.version',
          severity: 'error',
          line: 5,
          column: 12,
          reason: expect.stringContaining('quote it') as unknown,
        }),
        expect.objectContaining({
          file,
          path: 'enforcement.grace_days',
          severity: 'error',
          line: 25,
          column: 3,
        }),
      ]);
    });

    it('reports a YAML syntax error with its position instead of failing the load', async () => {
      writeFileSync(join(dir, 'broken.yml'), 'capability:\n  verb: [unclosed\n');

      const report = await new SloDirectorySource(dir).load();

      expect(report.definitions).toEqual([]);
      expect(report.files).toBe(1);
      expect(report.issues).toHaveLength(1);
      expect(report.issues[0]).toMatchObject({ file: join(dir, 'broken.yml'), severity: 'error' });
      expect(report.issues[0].line).toEqual(expect.any(Number));
    });

    it('keeps the first file of a duplicated verb:name and reports the second, naming both', async () => {
      writeFileSync(join(dir, 'a-first.yml'), sloYaml('same'));
      writeFileSync(join(dir, 'b-second.yml'), sloYaml('same', [['p95_ms: 100', 'p95_ms: 150']]));

      const report = await new SloDirectorySource(dir).load();

      expect(report.definitions).toHaveLength(1);
      expect(report.definitions[0].loaded.file).toBe(join(dir, 'a-first.yml'));
      expect(report.definitions[0].loaded.slo.slo.latency.p95_ms).toBe(100);
      expect(report.issues).toEqual([
        {
          file: join(dir, 'b-second.yml'),
          path: 'capability',
          severity: 'error',
          reason: `duplicate SLO for capability "convert:same": already defined in ${join(dir, 'a-first.yml')}`,
        },
      ]);
    });

    it('reads *.yml and *.yaml of the directory only, not other files or subdirectories', async () => {
      writeFileSync(join(dir, 'one.yml'), sloYaml('one'));
      writeFileSync(join(dir, 'two.yaml'), sloYaml('two'));
      writeFileSync(join(dir, 'notes.txt'), 'not an SLO');
      writeFileSync(join(dir, 'one.yml.bak'), 'not: [an SLO');
      mkdirSync(join(dir, 'nested'));
      writeFileSync(join(dir, 'nested', 'three.yml'), sloYaml('three'));

      const report = await new SloDirectorySource(dir).load();

      expect(keys(report)).toEqual(['convert:one', 'convert:two']);
      expect(report.files).toBe(2);
      expect(report.issues).toEqual([]);
    });

    it('answers a missing directory with an empty report and a warning', async () => {
      const missing = join(root, 'nowhere');

      const report = await new SloDirectorySource(missing).load();

      expect(report).toEqual({
        directory: missing,
        definitions: [],
        files: 0,
        issues: [
          {
            file: missing,
            path: '',
            reason: 'SLO directory does not exist: no SLOs loaded',
            severity: 'warning',
          },
        ],
      });
    });

    it('reports a path that is a file, not a directory, as an error', async () => {
      const file = join(root, 'file.yml');
      writeFileSync(file, sloYaml('x'));

      const report = await new SloDirectorySource(file).load();

      expect(report.definitions).toEqual([]);
      expect(report.issues).toEqual([
        expect.objectContaining({ file, severity: 'error', reason: 'is not a directory' }),
      ]);
    });

    it('resolves a relative directory against the working directory', () => {
      expect(new SloDirectorySource('some/slos').directory).toBe(resolve('some/slos'));
    });

    it('rejects options that would make the watcher spin or never fire', () => {
      expect(() => new SloDirectorySource(dir, { debounceMs: -1 })).toThrow(RangeError);
      expect(() => new SloDirectorySource(dir, { pollIntervalMs: Number.NaN })).toThrow(RangeError);
      expect(() => new SloDirectorySource(dir, { pollIntervalMs: 0 })).toThrow(/> 0/);
      expect(() => new SloDirectorySource(dir, { debounceMs: 0 })).not.toThrow();
      expect(() => new SloDirectorySource('')).toThrow(TypeError);
    });
  });

  describe('watch', () => {
    jest.setTimeout(30_000);

    it('calls onChange once for a burst of writes, after the last one', async () => {
      const source = new SloDirectorySource(dir, { debounceMs: 150 });
      const { log } = watched(source);
      let seenAtFirstCall: string[] = [];
      const firstCall = log.waitFor(1).then(async () => {
        seenAtFirstCall = keys(await source.load());
      });

      for (let i = 0; i < 10; i++) writeFileSync(join(dir, `burst-${i}.yml`), sloYaml(`b${i}`));
      for (let i = 0; i < 10; i++) writeFileSync(join(dir, `burst-${i}.yml`), sloYaml(`b${i}`));
      await firstCall;
      // A straggling call from the burst would arrive before the one for this later write.
      writeFileSync(join(dir, 'later.yml'), sloYaml('later'));
      await log.waitFor(2);

      expect(seenAtFirstCall).toHaveLength(10);
      expect(log.calls).toBe(2);
    });

    it('reports removed files and renames', async () => {
      writeFileSync(join(dir, 'a.yml'), sloYaml('a'));
      const source = new SloDirectorySource(dir, { debounceMs: 20 });
      const { log } = watched(source);

      renameSync(join(dir, 'a.yml'), join(dir, 'b.yml'));
      await log.waitFor(1);
      expect((await source.load()).definitions.map((d) => d.loaded.file)).toEqual([
        join(dir, 'b.yml'),
      ]);

      rmSync(join(dir, 'b.yml'));
      await log.waitFor(2);
      expect((await source.load()).definitions).toEqual([]);
    });

    it('follows the directory when it is deleted and created again', async () => {
      const logger = recordingLogger();
      const source = new SloDirectorySource(dir, { debounceMs: 50, pollIntervalMs: 10, logger });
      const { log } = watched(source);

      rmSync(dir, { recursive: true });
      await log.waitFor(1);
      expect((await source.load()).issues[0].severity).toBe('warning');

      mkdirSync(dir);
      writeFileSync(join(dir, 'back.yml'), sloYaml('back'));
      await log.waitFor(2);
      expect(keys(await source.load())).toEqual(['convert:back']);

      // The new directory is watched, not the deleted one.
      writeFileSync(join(dir, 'more.yml'), sloYaml('more'));
      await log.waitFor(3);
      expect(keys(await source.load())).toEqual(['convert:back', 'convert:more']);
      expect(logger.messages).toEqual([
        'warn: SLO directory is gone; watching for it to come back',
        'info: SLO directory appeared',
      ]);
    });

    it('starts on a directory that does not exist yet and reports when it appears', async () => {
      rmSync(dir, { recursive: true });
      const source = new SloDirectorySource(dir, { debounceMs: 20, pollIntervalMs: 10 });
      const { log } = watched(source);

      mkdirSync(dir);
      writeFileSync(join(dir, 'new.yml'), sloYaml('new'));
      await log.waitFor(1);

      expect(keys(await source.load())).toEqual(['convert:new']);
    });

    it('sees a Kubernetes ConfigMap update (the ..data symlink swapped atomically)', async () => {
      // The kubelet's layout: name.yml -> ..data/name.yml, ..data -> ..<version>/.
      mkdirSync(join(dir, '..v1'));
      writeFileSync(join(dir, '..v1', 'cm.yml'), sloYaml('cm'));
      symlinkSync('..v1', join(dir, '..data'));
      symlinkSync(join('..data', 'cm.yml'), join(dir, 'cm.yml'));
      const source = new SloDirectorySource(dir, { debounceMs: 20 });
      expect((await source.load()).definitions[0].loaded.slo.slo.latency.p95_ms).toBe(100);
      const { log } = watched(source);

      mkdirSync(join(dir, '..v2'));
      writeFileSync(join(dir, '..v2', 'cm.yml'), sloYaml('cm', [['p95_ms: 100', 'p95_ms: 120']]));
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await log.waitFor(1);

      const report = await source.load();
      expect(report.files).toBe(1);
      expect(report.definitions[0].loaded.slo.slo.latency.p95_ms).toBe(120);
    });

    it('keeps watching after a listener throws, and logs the failure', async () => {
      const logger = recordingLogger();
      const source = new SloDirectorySource(dir, { debounceMs: 20, logger });
      const log = new ChangeLog();
      stops.push(
        source.watch(() => {
          log.onChange();
          throw new Error('listener bug');
        }),
      );

      writeFileSync(join(dir, 'a.yml'), sloYaml('a'));
      await log.waitFor(1);
      writeFileSync(join(dir, 'b.yml'), sloYaml('b'));
      await log.waitFor(2);

      expect(logger.messages).toEqual([
        'warn: SLO directory change listener failed',
        'warn: SLO directory change listener failed',
      ]);
    });

    it('calls nothing after stop', async () => {
      const source = new SloDirectorySource(dir, { debounceMs: 1 });
      const { log: stoppedLog, stop } = watched(source);
      // A witness with a longer debounce: had the stopped watch fired, it would have fired first.
      const witness = watched(new SloDirectorySource(dir, { debounceMs: 200 })).log;

      stop();
      stop();
      writeFileSync(join(dir, 'a.yml'), sloYaml('a'));
      await witness.waitFor(1);

      expect(stoppedLog.calls).toBe(0);
    });

    it('reports a file copied in, which then loads like the original', async () => {
      for (const name of ['classify_email.yml', 'example-capability.yml']) {
        copyFileSync(join(EXAMPLES, name), join(dir, name));
      }
      const source = new SloDirectorySource(dir, { debounceMs: 20 });
      const { log } = watched(source);

      copyFileSync(CONVERT_EXAMPLE, join(dir, 'convert_document_to_pdf.yml'));
      await log.waitFor(1);

      expect(keys(await source.load())).toEqual(
        keys(await new SloDirectorySource(EXAMPLES).load()),
      );
    });
  });
});
