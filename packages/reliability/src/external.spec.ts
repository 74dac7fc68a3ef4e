import {
  assessExternalDependency,
  DEFAULT_SLA_PENALTY,
  errorBudgetShare,
  externalAvailability,
  formatPercent,
} from './index';
import { codeOf } from './__fixtures__/helpers';

describe('externalAvailability', () => {
  it('prefers the observed history over the published SLA', () => {
    expect(externalAvailability({ observed: 0.9991, publishedSla: 0.9999 })).toEqual({
      availability: 0.9991,
      source: 'observed',
    });
  });

  it('turns a published 99.99% into 99.89% (the specification example)', () => {
    const planned = externalAvailability({ publishedSla: 0.9999 });
    expect(planned.source).toBe('published-sla-adjusted');
    expect(planned.availability).toBeCloseTo(0.9999 * (1 - DEFAULT_SLA_PENALTY), 15);
    expect(formatPercent(planned.availability, { maxDecimals: 2 })).toBe('99.89%');
  });

  it('takes the penalty as a parameter', () => {
    expect(externalAvailability({ publishedSla: 0.999 }, { slaPenalty: 0 }).availability).toBe(
      0.999,
    );
    expect(
      externalAvailability({ publishedSla: 0.99 }, { slaPenalty: 0.01 }).availability,
    ).toBeCloseTo(0.9801, 15);
  });

  it('needs an observation or an SLA', () => {
    expect(codeOf(() => externalAvailability({}))).toBe('RELIABILITY.MISSING_AVAILABILITY');
  });

  it('validates its inputs', () => {
    expect(codeOf(() => externalAvailability({ observed: 99.9 }))).toBe(
      'RELIABILITY.INVALID_RATIO',
    );
    expect(codeOf(() => externalAvailability({ publishedSla: 0.9 }, { slaPenalty: 2 }))).toBe(
      'RELIABILITY.INVALID_RATIO',
    );
  });
});

describe('errorBudgetShare', () => {
  it('is (1 − R) / (1 − target): a 99.95% dependency spends half of a 99.9% budget', () => {
    expect(errorBudgetShare(0.9995, 0.999)).toBeCloseTo(0.5, 12);
  });

  it('exceeds 1 when the dependency alone breaks the target', () => {
    expect(errorBudgetShare(0.998, 0.999)).toBeCloseTo(2, 12);
  });

  it('handles a 100% target', () => {
    expect(errorBudgetShare(1, 1)).toBe(0);
    expect(errorBudgetShare(0.999, 1)).toBe(Infinity);
  });
});

describe('assessExternalDependency', () => {
  it('flags a dependency that spends more than 30% of the budget', () => {
    const assessment = assessExternalDependency({ publishedSla: 0.9999 }, 0.999);
    expect(assessment.source).toBe('published-sla-adjusted');
    expect(assessment.errorBudgetShare).toBeCloseTo((1 - 0.9999 * 0.999) / 0.001, 12);
    expect(assessment.highDependencyRisk).toBe(true);
  });

  it('does not flag a share at or under the threshold', () => {
    expect(assessExternalDependency({ observed: 0.9997 }, 0.999).highDependencyRisk).toBe(false);
    expect(
      assessExternalDependency({ observed: 0.75 }, 0.5, { highRiskShare: 0.5 }).highDependencyRisk,
    ).toBe(false);
    expect(
      assessExternalDependency({ observed: 0.74 }, 0.5, { highRiskShare: 0.5 }).highDependencyRisk,
    ).toBe(true);
  });
});
