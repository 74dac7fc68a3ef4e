import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_SLOS_DIR, EXAMPLES_DIR, exampleText } from './__fixtures__/examples';
import { validSlo } from '../__fixtures__/slo';
import { loadMetricsFile, loadSloDirectory, loadSloFile } from './index';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slo-schema-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadSloFile', () => {
  it('loads one file with its key', async () => {
    const path = join(EXAMPLE_SLOS_DIR, 'convert_document_to_pdf.yml');
    expect(await loadSloFile(path)).toEqual({
      ok: true,
      value: { key: 'convert:convert_document_to_pdf', file: path, slo: validSlo() },
      warnings: [],
    });
  });

  it('reports a missing file as an issue', async () => {
    const path = join(dir, 'nope.yml');
    expect(await loadSloFile(path)).toEqual({
      ok: false,
      issues: [{ file: path, path: '', reason: 'file does not exist', severity: 'error' }],
      warnings: [],
    });
  });

  it('reports a directory given as a file', async () => {
    const result = await loadSloFile(dir);
    expect(!result.ok && result.issues[0].reason).toBe('is a directory, not a file');
  });

  it('reports invalid content with the file name and line', async () => {
    const path = write(
      'bad.yml',
      exampleText('classify_email.yml').replace("version: '2.1'", 'version: 2.1'),
    );
    const result = await loadSloFile(path);
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({ file: path, path: 'capability.version', line: 5, column: 12 }),
    ]);
  });

  it('throws for a path that is not a non-empty string', async () => {
    await expect(loadSloFile('')).rejects.toMatchObject({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' });
  });
});

describe('loadSloDirectory', () => {
  it('loads the three shipped examples in file order', async () => {
    const result = await loadSloDirectory(EXAMPLE_SLOS_DIR);
    expect(result.ok).toBe(true);
    expect(result.issues).toEqual([]);
    expect(result.slos.map((s) => s.key)).toEqual([
      'classify:classify_email',
      'convert:convert_document_to_pdf',
      'example:example_capability',
    ]);
    expect(result.files).toHaveLength(3);
  });

  it('reads *.yml and *.yaml only, and subdirectories only when recursive', async () => {
    write('b.yaml', exampleText('classify_email.yml'));
    write('a.yml', exampleText('convert_document_to_pdf.yml'));
    write('notes.txt', 'not an SLO');
    write('c.yml.bak', 'not an SLO either');
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team', 'c.yml'), exampleText('example-capability.yml'));

    const flat = await loadSloDirectory(dir);
    expect(flat.files).toEqual([join(dir, 'a.yml'), join(dir, 'b.yaml')]);
    expect(flat.slos.map((s) => s.key)).toEqual([
      'convert:convert_document_to_pdf',
      'classify:classify_email',
    ]);

    const deep = await loadSloDirectory(dir, { recursive: true });
    expect(deep.files).toEqual([
      join(dir, 'a.yml'),
      join(dir, 'b.yaml'),
      join(dir, 'team', 'c.yml'),
    ]);
    expect(deep.ok).toBe(true);
  });

  it('collects the issues of every file and keeps the valid SLOs', async () => {
    write('1-good.yml', exampleText('convert_document_to_pdf.yml'));
    write('2-bad.yml', exampleText('classify_email.yml').replace('p95_ms: 1200', 'p95_ms: 100'));
    write('3-syntax.yml', 'capability: [\n');
    const result = await loadSloDirectory(dir);
    expect(result.ok).toBe(false);
    expect(result.slos.map((s) => s.key)).toEqual(['convert:convert_document_to_pdf']);
    expect(result.issues.map((i) => [i.file, i.path])).toEqual([
      [join(dir, '2-bad.yml'), 'slo.latency.p95_ms'],
      [join(dir, '3-syntax.yml'), ''],
    ]);
  });

  it('reports a capability defined in two files, naming both', async () => {
    const first = write('a.yml', exampleText('convert_document_to_pdf.yml'));
    const second = write(
      'b.yml',
      exampleText('convert_document_to_pdf.yml').replace(
        'owner: document-team',
        'owner: other-team',
      ),
    );
    const result = await loadSloDirectory(dir);
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      {
        file: second,
        path: 'capability',
        reason: `duplicate SLO for capability "convert:convert_document_to_pdf": already defined in ${first}`,
        severity: 'error',
      },
    ]);
    expect(result.slos.map((s) => s.slo.metadata.owner)).toEqual(['document-team']);
  });

  it('reports a missing directory as an issue and an empty one as no SLOs', async () => {
    const missing = join(dir, 'missing');
    expect(await loadSloDirectory(missing)).toEqual({
      ok: false,
      slos: [],
      files: [],
      issues: [{ file: missing, path: '', reason: 'directory does not exist', severity: 'error' }],
      warnings: [],
    });
    expect(await loadSloDirectory(dir)).toEqual({
      ok: true,
      slos: [],
      files: [],
      issues: [],
      warnings: [],
    });
  });

  it('reports a file given as the directory', async () => {
    const file = write('a.yml', 'x: 1\n');
    expect((await loadSloDirectory(file)).issues[0].reason).toBe('is not a directory');
  });

  it('throws for options that are not an object', async () => {
    await expect(loadSloDirectory(dir, null as never)).rejects.toMatchObject({
      code: 'SLO_SCHEMA.INVALID_ARGUMENT',
    });
  });
});

describe('loadMetricsFile', () => {
  it('loads the shipped metrics example', async () => {
    const result = await loadMetricsFile(join(EXAMPLES_DIR, 'metrics.yml'));
    expect(result.ok && Object.keys(result.value)).toEqual([
      'convert:convert_document_to_pdf',
      'classify:classify_email',
      'example:example_capability',
    ]);
  });

  it('reports a missing metrics file', async () => {
    const result = await loadMetricsFile(join(dir, 'metrics.json'));
    expect(!result.ok && result.issues[0].reason).toBe('file does not exist');
  });
});
