import fc from 'fast-check';
import { SERVICE_CRITICALITIES, type ServiceCriticality } from '../graph/graph.types';
import { type SliType, type StoredRecommendation } from '../recommendations/recommendation.types';
import { MAX_RATIONALE_LENGTH } from '../slos/decide-recommendation/decide-recommendation.types';
import { type ActiveSlo } from '../slos/slo.types';
import {
  AUTO_APPROVAL_SLI_TYPES,
  AUTO_APPROVAL_TIERS,
  type AutoApprovalCandidate,
  type AutoApprovalConditions,
  type AutoApprovalRule,
  type RecommendationSummary,
} from './auto-approval.types';
import {
  activeSloHolds,
  autoApprovalHold,
  autoApprovalRationale,
  candidateOf,
  firstMatchingRule,
  matchesConditions,
  recommendationConfidence,
  summarizeRecommendation,
  tierTarget,
} from './auto-approval-matching';

const LOW_BALANCED: AutoApprovalConditions = {
  criticality: ['low'],
  confidenceMin: 0.85,
  tier: 'balanced',
  teams: null,
  sliTypes: ['availability', 'latency'],
};

function candidate(overrides: Partial<AutoApprovalCandidate> = {}): AutoApprovalCandidate {
  return {
    recommendationId: 'rec-1',
    serviceId: 'reviews',
    sliType: 'availability',
    criticality: 'low',
    team: 'social',
    confidence: 0.97,
    ...overrides,
  };
}

function rule(name: string, overrides: Partial<AutoApprovalRule> = {}): AutoApprovalRule {
  return {
    id: `id-${name}`,
    name,
    conditions: LOW_BALANCED,
    enabled: true,
    createdBy: 'alice',
    createdAt: new Date(0),
    updatedBy: 'alice',
    updatedAt: new Date(0),
    ...overrides,
  };
}

const AVAILABILITY_SUMMARY: RecommendationSummary = {
  id: 'rec-a',
  serviceId: 'reviews',
  sliType: 'availability',
  dataCompleteness: 0.97,
  coldStart: false,
  generatedAt: new Date('2026-02-14T10:00:00Z'),
  expiresAt: new Date('2026-02-15T10:00:00Z'),
  tiers: {
    conservative: {
      target: 99.5,
      errorBudgetMonthlyMinutes: 216,
      estimatedBreachProbability: 0,
      confidenceInterval: [99.4, 99.6],
    },
    balanced: {
      target: 99.9,
      errorBudgetMonthlyMinutes: 43.2,
      estimatedBreachProbability: 0.03,
      confidenceInterval: [99.85, 99.95],
    },
    aggressive: {
      target: 99.95,
      errorBudgetMonthlyMinutes: 21.6,
      estimatedBreachProbability: 0.1,
      confidenceInterval: [99.9, 99.99],
    },
  },
};

const LATENCY_SUMMARY: RecommendationSummary = {
  ...AVAILABILITY_SUMMARY,
  id: 'rec-l',
  sliType: 'latency',
  tiers: {
    conservative: { targetMs: 900, percentile: 'p99.9', estimatedBreachProbability: 0 },
    balanced: { targetMs: 420, percentile: 'p99', estimatedBreachProbability: 0.02 },
    aggressive: { targetMs: 180, percentile: 'p95', estimatedBreachProbability: 0.05 },
  },
};

function activeSlo(overrides: Partial<ActiveSlo> = {}): ActiveSlo {
  return {
    id: 'slo-1',
    serviceId: 'reviews',
    availabilityTarget: 99.9,
    latencyP95TargetMs: 180,
    latencyP99TargetMs: 420,
    latencyP999TargetMs: 900,
    source: 'recommendation_accepted',
    recommendationId: 'rec-old',
    activatedAt: new Date(0),
    activatedBy: 'system:auto-approval:low',
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

describe('recommendationConfidence', () => {
  it('is the data completeness, clamped to 0–1', () => {
    expect(recommendationConfidence({ dataCompleteness: 0.97, coldStart: false })).toBe(0.97);
    expect(recommendationConfidence({ dataCompleteness: 1.2, coldStart: false })).toBe(1);
    expect(recommendationConfidence({ dataCompleteness: -0.1, coldStart: false })).toBe(0);
  });

  it('is 0 for a cold-start (archetype-based) recommendation, however complete its few days', () => {
    expect(recommendationConfidence({ dataCompleteness: 1, coldStart: true })).toBe(0);
  });
});

describe('summarizeRecommendation and candidateOf', () => {
  it('carry the ids, SLI type, tiers, confidence and the service facts', () => {
    const stored = {
      id: 'rec-a',
      serviceId: 'reviews',
      sliType: 'availability',
      recommendation: { sliType: 'availability', tiers: AVAILABILITY_SUMMARY.tiers },
      dataQuality: { dataCompleteness: 0.97, coldStart: false },
      generatedAt: AVAILABILITY_SUMMARY.generatedAt,
      expiresAt: AVAILABILITY_SUMMARY.expiresAt,
    } as unknown as StoredRecommendation;

    const summary = summarizeRecommendation(stored);

    expect(summary).toEqual(AVAILABILITY_SUMMARY);
    expect(candidateOf(summary, { criticality: 'low', team: null })).toEqual({
      recommendationId: 'rec-a',
      serviceId: 'reviews',
      sliType: 'availability',
      criticality: 'low',
      team: null,
      confidence: 0.97,
    });
  });
});

describe('matchesConditions', () => {
  it('matches when criticality, confidence, SLI type and team all qualify', () => {
    expect(matchesConditions(LOW_BALANCED, candidate())).toBe(true);
  });

  it.each<[string, Partial<AutoApprovalCandidate>]>([
    ['a criticality outside the list', { criticality: 'medium' }],
    ['a confidence below the minimum', { confidence: 0.8499 }],
  ])('does not match %s', (_, overrides) => {
    expect(matchesConditions(LOW_BALANCED, candidate(overrides))).toBe(false);
  });

  it('takes the minimum confidence as inclusive', () => {
    expect(matchesConditions(LOW_BALANCED, candidate({ confidence: 0.85 }))).toBe(true);
  });

  it('restricts SLI types when the rule names some', () => {
    const availabilityOnly = { ...LOW_BALANCED, sliTypes: ['availability'] as SliType[] };
    expect(matchesConditions(availabilityOnly, candidate({ sliType: 'latency' }))).toBe(false);
    expect(matchesConditions(availabilityOnly, candidate({ sliType: 'availability' }))).toBe(true);
  });

  it('restricts teams when the rule names some; a service without a team then never matches', () => {
    const social = { ...LOW_BALANCED, teams: ['social'] };
    expect(matchesConditions(social, candidate({ team: 'social' }))).toBe(true);
    expect(matchesConditions(social, candidate({ team: 'Social' }))).toBe(false);
    expect(matchesConditions(social, candidate({ team: null }))).toBe(false);
    expect(matchesConditions(LOW_BALANCED, candidate({ team: null }))).toBe(true);
  });
});

describe('firstMatchingRule', () => {
  it('picks the first enabled matching rule by name, in code-unit order', () => {
    const rules = [
      rule('b-low'),
      rule('a-medium', { conditions: { ...LOW_BALANCED, criticality: ['medium'] } }),
      rule('B-low'),
      rule('A-disabled', { enabled: false }),
    ];
    expect(firstMatchingRule(rules, candidate())?.name).toBe('B-low');
    expect(firstMatchingRule(rules, candidate({ criticality: 'medium' }))?.name).toBe('a-medium');
    expect(firstMatchingRule(rules, candidate({ criticality: 'critical' }))).toBeNull();
    expect(firstMatchingRule([], candidate())).toBeNull();
  });
});

describe('tierTarget, activeSloHolds and autoApprovalHold', () => {
  it('names the target of the tier: percent for availability, ms at the percentile for latency', () => {
    expect(tierTarget(AVAILABILITY_SUMMARY, 'aggressive')).toEqual({
      sliType: 'availability',
      target: 99.95,
    });
    expect(tierTarget(LATENCY_SUMMARY, 'conservative')).toEqual({
      sliType: 'latency',
      targetMs: 900,
      percentile: 'p99.9',
    });
  });

  it('sees a target the active SLO already holds, at stored precision', () => {
    const balanced = tierTarget(AVAILABILITY_SUMMARY, 'balanced');
    expect(activeSloHolds(null, balanced)).toBe(false);
    expect(activeSloHolds(activeSlo({ availabilityTarget: 99.90001 }), balanced)).toBe(true);
    expect(activeSloHolds(activeSlo({ availabilityTarget: 99.95 }), balanced)).toBe(false);
    expect(activeSloHolds(activeSlo({ availabilityTarget: null }), balanced)).toBe(false);
    for (const tier of AUTO_APPROVAL_TIERS) {
      expect(activeSloHolds(activeSlo(), tierTarget(LATENCY_SUMMARY, tier))).toBe(true);
    }
    expect(
      activeSloHolds(
        activeSlo({ latencyP99TargetMs: 500 }),
        tierTarget(LATENCY_SUMMARY, 'balanced'),
      ),
    ).toBe(false);
  });

  it('holds back a service whose active SLO a person set, and a target already active', () => {
    const balanced = tierTarget(AVAILABILITY_SUMMARY, 'balanced');
    expect(autoApprovalHold(null, balanced)).toBeNull();
    expect(autoApprovalHold(activeSlo({ activatedBy: 'alice@example.com' }), balanced)).toBe(
      'human_slo',
    );
    expect(
      autoApprovalHold(
        activeSlo({ activatedBy: 'api-key:backstage', availabilityTarget: 99 }),
        balanced,
      ),
    ).toBe('human_slo');
    expect(autoApprovalHold(activeSlo(), balanced)).toBe('unchanged');
    expect(autoApprovalHold(activeSlo({ availabilityTarget: 99.5 }), balanced)).toBeNull();
  });
});

describe('autoApprovalRationale', () => {
  it('names the rule, the tier, each condition and the value that met it', () => {
    const text = autoApprovalRationale(
      { name: 'low-crit', conditions: { ...LOW_BALANCED, teams: ['social'] } },
      candidate(),
    );
    expect(text).toBe(
      'Auto-approved by rule "low-crit" at the balanced tier: criticality in [low] (was low), ' +
        'confidence >= 0.85 (was 0.97), sli_type in [availability, latency] (was availability), ' +
        'team in [social] (was social).',
    );
  });
});

describe('autoApprovalRationale length', () => {
  it('stays within what the audit log keeps, however many teams the rule names', () => {
    const teams = Array.from({ length: 100 }, (_, i) => `team-${i}-${'x'.repeat(200)}`);
    const text = autoApprovalRationale(
      { name: 'many-teams', conditions: { ...LOW_BALANCED, teams } },
      candidate({ team: teams[99] }),
    );
    expect(text).toHaveLength(MAX_RATIONALE_LENGTH);
    expect(text.startsWith('Auto-approved by rule "many-teams"')).toBe(true);
    expect(text.endsWith('\u2026')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const TEAMS = ['edge', 'payments', 'social', 'stock'] as const;

const arbitraryCandidate: fc.Arbitrary<AutoApprovalCandidate> = fc.record({
  recommendationId: fc.constant('rec'),
  serviceId: fc.constant('svc'),
  sliType: fc.constantFrom(...AUTO_APPROVAL_SLI_TYPES),
  criticality: fc.constantFrom(...SERVICE_CRITICALITIES),
  team: fc.option(fc.constantFrom(...TEAMS), { nil: null }),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
});

const arbitraryConditions: fc.Arbitrary<AutoApprovalConditions> = fc.record({
  criticality: fc.subarray([...SERVICE_CRITICALITIES] as ServiceCriticality[], { minLength: 1 }),
  confidenceMin: fc.double({ min: 0, max: 1, noNaN: true }),
  tier: fc.constantFrom(...AUTO_APPROVAL_TIERS),
  teams: fc.option(fc.subarray([...TEAMS] as string[], { minLength: 1 }), { nil: null }),
  sliTypes: fc.subarray([...AUTO_APPROVAL_SLI_TYPES] as SliType[], { minLength: 1 }),
});

/** Conditions at least as strict as `loose`: sub-lists, a higher minimum, teams where any was fine. */
function stricterThan(loose: AutoApprovalConditions): fc.Arbitrary<AutoApprovalConditions> {
  return fc.record({
    criticality: fc.subarray([...loose.criticality], { minLength: 1 }),
    confidenceMin: fc.double({ min: loose.confidenceMin, max: 1, noNaN: true }),
    tier: fc.constantFrom(...AUTO_APPROVAL_TIERS),
    teams: fc.subarray(loose.teams === null ? [...TEAMS] : [...loose.teams], { minLength: 1 }),
    sliTypes: fc.subarray([...loose.sliTypes], { minLength: 1 }),
  });
}

describe('matching properties', () => {
  it('a rule with stricter conditions never matches more', () => {
    fc.assert(
      fc.property(
        arbitraryConditions.chain((loose) => fc.tuple(fc.constant(loose), stricterThan(loose))),
        fc.array(arbitraryCandidate, { maxLength: 30 }),
        ([loose, strict], candidates) => {
          const matchedByStrict = candidates.filter((c) => matchesConditions(strict, c));
          expect(matchedByStrict.every((c) => matchesConditions(loose, c))).toBe(true);
        },
      ),
    );
  });

  it('the accepted tier plays no part in matching', () => {
    fc.assert(
      fc.property(
        arbitraryConditions,
        fc.constantFrom(...AUTO_APPROVAL_TIERS),
        arbitraryCandidate,
        (conditions, tier, c) => {
          expect(matchesConditions({ ...conditions, tier }, c)).toBe(
            matchesConditions(conditions, c),
          );
        },
      ),
    );
  });

  it('the winning rule matches, is enabled, and no enabled matching rule sorts before it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,6}$/),
            enabled: fc.boolean(),
            conditions: arbitraryConditions,
          }),
          { selector: (r) => r.name, maxLength: 8 },
        ),
        arbitraryCandidate,
        (specs, c) => {
          const rules = specs.map((spec) => rule(spec.name, spec));
          const winner = firstMatchingRule(rules, c);
          const eligible = rules.filter((r) => r.enabled && matchesConditions(r.conditions, c));
          if (winner === null) {
            expect(eligible).toEqual([]);
          } else {
            expect(eligible).toContain(winner);
            expect(eligible.every((r) => !(r.name < winner.name))).toBe(true);
          }
        },
      ),
    );
  });
});
