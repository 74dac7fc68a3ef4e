import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_000_YAML, validSlo } from '../__fixtures__/slo';
import { parseMetricsYaml, parseSloYaml } from '../index';
import { EXAMPLES_DIR, exampleText } from './__fixtures__/examples';

describe('shipped examples', () => {
  it.each(['convert_document_to_pdf.yml', 'classify_email.yml', 'example-capability.yml'])(
    '%s is valid',
    (name) => {
      const result = parseSloYaml(exampleText(name), { file: name });
      expect(result).toMatchObject({ ok: true, warnings: [] });
    },
  );

  it('convert_document_to_pdf.yml is the SLO of spec 000 that the core tests use', () => {
    expect(exampleText('convert_document_to_pdf.yml')).toBe(SPEC_000_YAML);
    expect(parseSloYaml(SPEC_000_YAML)).toEqual({ ok: true, value: validSlo(), warnings: [] });
  });

  it.each(['metrics.yml', 'metrics-violations.yml'])('%s is a valid metrics file', (name) => {
    const result = parseMetricsYaml(readFileSync(join(EXAMPLES_DIR, name), 'utf8'));
    expect(result.ok && Object.keys(result.value)).toContain('convert:convert_document_to_pdf');
  });
});
