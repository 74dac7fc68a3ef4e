import { type SloFile, type ValidationIssue } from '@slo-engine/slo-schema';
import { DomainError } from '../../shared/domain-error';
import { type SloDefinitionEntry, type SloLoadReport } from '../slo-definition-source.port';
import { SloBook, type SloEvaluation } from './slo-book';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

function sloFile(
  verb: string,
  name: string,
  enforcement: Partial<SloFile['enforcement']> = {},
): SloFile {
  return {
    capability: { verb, name, version: '1.0' },
    slo: {
      latency: { p50_ms: 50, p95_ms: 100, p99_ms: 200 },
      availability: { target: 0.99 },
      error_budget: { monthly_pct: 1, alerts: [] },
    },
    enforcement: { reject_on_violation: true, grace_period_days: 0, ...enforcement },
    metadata: { owner: 'doc-team', cost_center: 'eng', tier: 'production' },
  };
}

function entry(slo: SloFile, changedAt = T0): SloDefinitionEntry {
  const key = `${slo.capability.verb}:${slo.capability.name}`;
  return { loaded: { key, file: `/slos/${slo.capability.name}.yml`, slo }, changedAt };
}

function report(
  definitions: readonly SloDefinitionEntry[],
  issues: readonly ValidationIssue[] = [],
): SloLoadReport {
  return { directory: '/slos', definitions, issues, files: definitions.length + issues.length };
}

const PDF = 'convert:pdf';

/** `count` requests at `at`, each `latencyMs`, the first `failures` of them failed. */
function traffic(
  book: SloBook,
  at: number,
  count: number,
  latencyMs: number,
  failures = 0,
  capability = PDF,
  version = '1.0',
): void {
  for (let i = 0; i < count; i++) book.record(capability, version, latencyMs, i >= failures, at);
}

describe('SloBook', () => {
  describe('definitions', () => {
    it('replaces definitions and issues, sorted by capability', () => {
      const book = new SloBook();
      const issue: ValidationIssue = {
        file: '/slos/bad.yml',
        path: 'slo.latency.p95_ms',
        reason: 'must be ≥ p50_ms',
        severity: 'error',
      };
      book.replace(
        report([entry(sloFile('zip', 'files')), entry(sloFile('convert', 'pdf'))], [issue]),
      );
      expect(book.definitions().map((d) => d.loaded.key)).toEqual(['convert:pdf', 'zip:files']);
      expect(book.definition(PDF)?.loaded.file).toBe('/slos/pdf.yml');
      expect(book.issues()).toEqual([issue]);
      book.replace(report([entry(sloFile('zip', 'files'))]));
      expect(book.definition(PDF)).toBeUndefined();
      expect(book.issues()).toEqual([]);
    });

    it('turns the SLO objectives into canary targets', () => {
      const book = new SloBook();
      book.replace(report([entry(sloFile('convert', 'pdf'))]));
      expect(book.canaryTargets(PDF)).toEqual({
        p50Ms: 50,
        p95Ms: 100,
        p99Ms: 200,
        availability: 0.99,
      });
      expect(book.canaryTargets('other:thing')).toBeUndefined();
    });
  });

  describe('SLIs', () => {
    it('records per capability and per version; recordVersion only per version', () => {
      const book = new SloBook();
      traffic(book, T0, 10, 20, 1, PDF, '1.0');
      traffic(book, T0, 5, 40, 0, PDF, '1.1');
      book.recordVersion(PDF, '1.2', 30, false, T0);
      expect(book.snapshot(PDF, T0)).toMatchObject({ requests: 15, failures: 1 });
      expect(book.snapshot(PDF, T0, '1.0')).toMatchObject({ requests: 10, failures: 1 });
      expect(book.snapshot(PDF, T0, '1.1')).toMatchObject({ requests: 5, failures: 0 });
      expect(book.snapshot(PDF, T0, '1.2')).toMatchObject({ requests: 1, failures: 1 });
      expect(book.snapshot('none:here', T0)).toEqual({
        requests: 0,
        failures: 0,
        availability: 1,
        windowMs: 300_000,
      });
    });

    it('keeps the windows across replace()', () => {
      const book = new SloBook();
      traffic(book, T0, 30, 500);
      book.replace(report([entry(sloFile('convert', 'pdf'))]));
      expect(book.snapshot(PDF, T0).requests).toBe(30);
      expect(book.evaluate(PDF, T0).compliant).toBe(false);
    });

    it('forgets windows with nothing left in them on check()', () => {
      const book = new SloBook({ windowMs: 60_000, bucketMs: 10_000 });
      traffic(book, T0, 1, 10, 0, PDF, '1.0');
      traffic(book, T0 + 50_000, 1, 10, 0, PDF, '1.1');
      expect(book.windowCount()).toBe(3);
      book.check(T0 + 60_000); // the 1.0 sample has left the window
      expect(book.windowCount()).toBe(2);
      expect(book.snapshot(PDF, T0 + 60_000)).toMatchObject({ requests: 1 });
      book.check(T0 + 120_000);
      expect(book.windowCount()).toBe(0);
    });
  });

  describe('evaluate', () => {
    it('is compliant without an SLO file', () => {
      const book = new SloBook();
      traffic(book, T0, 50, 10_000, 50);
      const evaluation = book.evaluate(PDF, T0);
      expect(evaluation).toMatchObject({
        capability: PDF,
        hasSlo: false,
        compliant: true,
        violations: [],
        enforcing: false,
        inGrace: false,
      });
      expect(evaluation.graceEndsAt).toBeUndefined();
      expect(evaluation.summary).toBe('convert:pdf has no SLO file; 50 requests in the last 300 s');
    });

    it('is compliant with fewer than minRequests, and says why', () => {
      const book = new SloBook({ minRequests: 20 });
      book.replace(report([entry(sloFile('convert', 'pdf'))]));
      traffic(book, T0, 19, 10_000, 19);
      const evaluation = book.evaluate(PDF, T0);
      expect(evaluation).toMatchObject({ compliant: true, insufficientData: true, violations: [] });
      expect(evaluation.summary).toContain(
        '19 requests in the last 300 s, fewer than the 20 needed to judge',
      );
      traffic(book, T0, 1, 10_000, 1);
      expect(book.evaluate(PDF, T0)).toMatchObject({ compliant: false, insufficientData: false });
    });

    it('reports each violated objective with the numbers', () => {
      const book = new SloBook();
      book.replace(report([entry(sloFile('convert', 'pdf'))]));
      // 100 requests at 250 ms, 5 failed: p50/p95/p99 over target, availability 95 % < 99 %.
      traffic(book, T0, 100, 250, 5);
      const evaluation = book.evaluate(PDF, T0);
      expect(evaluation.compliant).toBe(false);
      expect(evaluation.violations.map((v) => v.metric)).toEqual([
        'latency_p50',
        'latency_p95',
        'latency_p99',
        'availability',
      ]);
      const p95 = evaluation.violations[1];
      expect(p95?.target).toBe(100);
      expect(Math.abs((p95?.actual ?? 0) - 250)).toBeLessThanOrEqual(250 * 0.02);
      expect(p95?.message).toMatch(/^p95 latency 2\d\d(\.\d)? ms > target 100 ms$/);
      expect(evaluation.violations[3]).toEqual({
        metric: 'availability',
        actual: 0.95,
        target: 0.99,
        message: 'availability 95 % (5 of 100 failed) < target 99 %',
      });
      expect(evaluation.summary).toContain('convert:pdf violates its SLO over 100 requests');
    });

    it('only sees the window: old bad requests stop counting', () => {
      const book = new SloBook();
      book.replace(report([entry(sloFile('convert', 'pdf'))]));
      traffic(book, T0, 100, 1_000);
      traffic(book, T0 + 200_000, 100, 10);
      expect(book.evaluate(PDF, T0 + 200_000).compliant).toBe(false);
      expect(book.evaluate(PDF, T0 + 300_000).compliant).toBe(true);
    });

    it('starts enforcement grace_period_days after the file changed', () => {
      const book = new SloBook();
      const changedAt = T0;
      book.replace(report([entry(sloFile('convert', 'pdf', { grace_period_days: 7 }), changedAt)]));
      const graceEndsAt = changedAt + 7 * DAY;
      traffic(book, graceEndsAt - 1, 50, 1_000);
      expect(book.evaluate(PDF, graceEndsAt - 1)).toMatchObject({
        compliant: false,
        enforcing: false,
        inGrace: true,
        graceEndsAt,
      });
      expect(book.evaluate(PDF, graceEndsAt - 1).summary).toContain(
        'grace period until 2026-03-08T00:00:00.000Z',
      );
      expect(book.evaluate(PDF, graceEndsAt)).toMatchObject({ enforcing: true, inGrace: false });
    });

    it('an edited file restarts the grace period', () => {
      const book = new SloBook();
      const slo = sloFile('convert', 'pdf', { grace_period_days: 1 });
      book.replace(report([entry(slo, T0)]));
      expect(book.evaluate(PDF, T0 + DAY).enforcing).toBe(true);
      book.replace(report([entry(slo, T0 + DAY)]));
      expect(book.evaluate(PDF, T0 + DAY)).toMatchObject({ enforcing: false, inGrace: true });
    });

    it('never enforces when reject_on_violation is false (log only)', () => {
      const book = new SloBook();
      book.replace(report([entry(sloFile('convert', 'pdf', { reject_on_violation: false }))]));
      traffic(book, T0 + 30 * DAY, 50, 1_000);
      const evaluation = book.evaluate(PDF, T0 + 30 * DAY);
      expect(evaluation).toMatchObject({ compliant: false, enforcing: false, inGrace: false });
      expect(evaluation.summary).toContain('log only (reject_on_violation is false)');
    });
  });

  describe('admit', () => {
    function violatingBook(options: ConstructorParameters<typeof SloBook>[0] = {}): SloBook {
      const book = new SloBook(options);
      book.replace(report([entry(sloFile('convert', 'pdf'))]));
      traffic(book, T0, 50, 1_000);
      return book;
    }

    it('sheds only low priority, only when enforcing and non-compliant', () => {
      const book = violatingBook({ retryAfterSeconds: 45 });
      const shed = book.admit(PDF, 'low', T0);
      expect(shed.admit).toBe(false);
      if (shed.admit) return;
      expect(shed.retryAfterSeconds).toBe(45);
      expect(shed.evaluation.violations.map((v) => v.metric)).toContain('latency_p95');
      expect(book.admit(PDF, 'normal', T0)).toEqual({ admit: true });
      expect(book.admit(PDF, 'high', T0)).toEqual({ admit: true });
      expect(book.admit('other:thing', 'low', T0)).toEqual({ admit: true });
    });

    it('admits low priority when compliant, in grace, log-only, or short of evidence', () => {
      const compliant = new SloBook();
      compliant.replace(report([entry(sloFile('convert', 'pdf'))]));
      traffic(compliant, T0, 50, 10);
      expect(compliant.admit(PDF, 'low', T0).admit).toBe(true);

      const grace = new SloBook();
      grace.replace(report([entry(sloFile('convert', 'pdf', { grace_period_days: 2 }))]));
      traffic(grace, T0, 50, 1_000);
      expect(grace.admit(PDF, 'low', T0 + DAY).admit).toBe(true);
      expect(grace.admit(PDF, 'low', T0 + 2 * DAY - 1).admit).toBe(true);

      const logOnly = new SloBook();
      logOnly.replace(report([entry(sloFile('convert', 'pdf', { reject_on_violation: false }))]));
      traffic(logOnly, T0, 50, 1_000);
      expect(logOnly.admit(PDF, 'low', T0).admit).toBe(true);

      const sparse = new SloBook();
      sparse.replace(report([entry(sloFile('convert', 'pdf'))]));
      traffic(sparse, T0, 19, 1_000);
      expect(sparse.admit(PDF, 'low', T0).admit).toBe(true);
    });

    it('reuses an evaluation for evaluationCacheMs, then looks again', () => {
      const book = violatingBook({ evaluationCacheMs: 1_000 });
      const first = book.admit(PDF, 'low', T0);
      expect(first.admit).toBe(false);
      traffic(book, T0, 5_000, 10); // now compliant: the p95 is fast again
      const cached = book.admit(PDF, 'low', T0 + 999);
      expect(cached.admit).toBe(false);
      if (!first.admit && !cached.admit) expect(cached.evaluation).toBe(first.evaluation);
      expect(book.admit(PDF, 'low', T0 + 1_000).admit).toBe(true);
    });

    it('evaluates on every call with evaluationCacheMs 0', () => {
      const book = violatingBook({ evaluationCacheMs: 0 });
      expect(book.admit(PDF, 'low', T0).admit).toBe(false);
      traffic(book, T0, 5_000, 10);
      expect(book.admit(PDF, 'low', T0).admit).toBe(true);
    });

    it('drops cached evaluations on replace() and when the clock goes backwards', () => {
      const book = violatingBook();
      expect(book.admit(PDF, 'low', T0).admit).toBe(false);
      book.replace(report([entry(sloFile('convert', 'pdf', { reject_on_violation: false }))]));
      expect(book.admit(PDF, 'low', T0).admit).toBe(true);

      const backwards = violatingBook();
      expect(backwards.admit(PDF, 'low', T0 + 500).admit).toBe(false);
      // At T0 − 1 the window holds nothing yet (samples are at T0): a fresh look admits.
      expect(backwards.admit(PDF, 'low', T0 - 1).admit).toBe(true);
    });
  });

  describe('check', () => {
    it('evaluates every capability with a definition, sorted, and refreshes the cache', () => {
      const book = new SloBook();
      book.replace(report([entry(sloFile('zip', 'files')), entry(sloFile('convert', 'pdf'))]));
      traffic(book, T0, 50, 1_000, 0, 'zip:files');
      traffic(book, T0, 50, 10);
      traffic(book, T0, 50, 10, 0, 'unknown:cap');
      const evaluations: SloEvaluation[] = book.check(T0);
      expect(evaluations.map((e) => [e.capability, e.compliant])).toEqual([
        ['convert:pdf', true],
        ['zip:files', false],
      ]);
      const shed = book.admit('zip:files', 'low', T0 + 1);
      if (shed.admit) throw new Error('expected the check to have found zip:files violating');
      expect(shed.evaluation).toBe(evaluations[1]);
    });
  });

  it('rejects malformed options with VALIDATION.INVALID_INPUT naming each field', () => {
    const fields = (options: ConstructorParameters<typeof SloBook>[0]): string[] => {
      try {
        new SloBook(options);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        expect(error.code).toBe('VALIDATION.INVALID_INPUT');
        return (error.details.fieldErrors ?? []).map((f) => f.field);
      }
      return [];
    };
    expect(fields({ windowMs: 25_000 })).toEqual(['windowMs']);
    expect(
      fields({ minRequests: 0, retryAfterSeconds: 0.5, evaluationCacheMs: Number.NaN }),
    ).toEqual(['minRequests', 'retryAfterSeconds', 'evaluationCacheMs']);
    expect(fields({})).toEqual([]);
  });
});
