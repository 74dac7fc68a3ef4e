import fc from 'fast-check';
import { thrown, arbSloFile, edit, validSlo } from '../__fixtures__/slo';
import {
  fromOpenSlo,
  fromOpenSloYaml,
  OPENSLO_ANNOTATIONS,
  openSloBaseName,
  type OpenSloDocument,
  type OpenSloSlo,
  parseOpenSloYaml,
  type SloFile,
  stringifyOpenSlo,
  toOpenSlo,
  toOpenSloBundle,
  type ValidationIssue,
  type ValidationResult,
} from '../index';

function issuesOf<T>(result: ValidationResult<T>): readonly ValidationIssue[] {
  if (result.ok) throw new Error('expected issues, got a valid result');
  return result.issues;
}

function valueOf<T>(result: ValidationResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

const slo = validSlo();

describe('toOpenSlo', () => {
  const docs = toOpenSlo(slo);

  it('writes an SLI and an SLO for availability and each latency percentile', () => {
    expect(docs.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual([
      'SLI convert-convert-document-to-pdf-availability',
      'SLO convert-convert-document-to-pdf-availability',
      'SLI convert-convert-document-to-pdf-latency-p50',
      'SLO convert-convert-document-to-pdf-latency-p50',
      'SLI convert-convert-document-to-pdf-latency-p95',
      'SLO convert-convert-document-to-pdf-latency-p95',
      'SLI convert-convert-document-to-pdf-latency-p99',
      'SLO convert-convert-document-to-pdf-latency-p99',
    ]);
    expect(docs.every((d) => d.apiVersion === 'openslo/v1')).toBe(true);
  });

  it('expresses availability as a ratio of good to total requests over a rolling 30 days', () => {
    const [sli, objective] = docs as [OpenSloDocument, OpenSloSlo];
    expect(sli.spec).toEqual({
      ratioMetric: {
        counter: true,
        good: {
          metricSource: {
            type: 'Prometheus',
            spec: {
              query:
                'sum(rate(http_requests_total{capability="convert:convert_document_to_pdf",code!~"5.."}[5m]))',
            },
          },
        },
        total: {
          metricSource: {
            type: 'Prometheus',
            spec: {
              query:
                'sum(rate(http_requests_total{capability="convert:convert_document_to_pdf"}[5m]))',
            },
          },
        },
      },
    });
    expect(objective.spec).toMatchObject({
      service: 'convert_document_to_pdf',
      indicatorRef: 'convert-convert-document-to-pdf-availability',
      timeWindow: [{ duration: '30d', isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [{ displayName: 'availability ≥ 99.9%', target: 0.999 }],
    });
    expect(objective.metadata.labels).toEqual({
      team: 'document-team',
      costCentre: 'engineering',
      serviceTier: 'production',
    });
  });

  it('expresses each latency percentile as a threshold in milliseconds', () => {
    const p95 = docs[5] as OpenSloSlo;
    expect(p95.spec.objectives).toEqual([
      { displayName: 'p95 latency ≤ 100 ms', op: 'lte', value: 100, target: 0.99 },
    ]);
    expect(docs[4].spec).toEqual({
      thresholdMetric: {
        metricSource: {
          type: 'Prometheus',
          spec: {
            query:
              '1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{capability="convert:convert_document_to_pdf"}[5m])))',
          },
        },
      },
    });
  });

  it('takes metric names, label, latency target and inline indicators from options', () => {
    const custom = toOpenSlo(slo, {
      inlineIndicators: true,
      latencyObjectiveTarget: 0.95,
      sourceType: 'Thanos',
      prometheus: {
        requestsMetric: 'rpc_total',
        goodSelector: 'ok="true"',
        durationHistogram: 'rpc_seconds',
        capabilityLabel: 'cap',
        rateWindow: '1m',
      },
    }) as OpenSloSlo[];
    expect(custom.map((d) => d.kind)).toEqual(['SLO', 'SLO', 'SLO', 'SLO']);
    expect(custom[0].spec.indicatorRef).toBeUndefined();
    expect(custom[0].spec.indicator?.spec.ratioMetric?.good.metricSource).toEqual({
      type: 'Thanos',
      spec: { query: 'sum(rate(rpc_total{cap="convert:convert_document_to_pdf",ok="true"}[1m]))' },
    });
    expect(custom[3].spec.indicator?.spec.thresholdMetric?.metricSource.spec.query).toBe(
      '1000 * histogram_quantile(0.99, sum by (le) (rate(rpc_seconds_bucket{cap="convert:convert_document_to_pdf"}[1m])))',
    );
    expect(custom[3].spec.objectives[0].target).toBe(0.95);
  });

  it('escapes quotes in PromQL label values', () => {
    const quoted = edit(slo, ['capability', 'name'], 'say"hi') as SloFile;
    const query = (
      toOpenSlo(quoted)[0].spec as {
        ratioMetric: { total: { metricSource: { spec: { query: string } } } };
      }
    ).ratioMetric.total.metricSource.spec.query;
    expect(query).toBe('sum(rate(http_requests_total{capability="convert:say\\"hi"}[5m]))');
  });

  it('derives RFC 1123 names', () => {
    expect(
      openSloBaseName(
        edit(slo, ['capability'], {
          verb: 'Convert',
          name: '__PDF..to__x__',
          version: '1',
        }) as SloFile,
      ),
    ).toBe('convert-pdf-to-x');
    expect(
      openSloBaseName(edit(slo, ['capability'], { verb: '_', name: '_', version: '1' }) as SloFile),
    ).toBe('capability');
    const long = openSloBaseName(edit(slo, ['capability', 'name'], 'x'.repeat(100)) as SloFile);
    expect(`${long}-availability`.length).toBeLessThanOrEqual(63);
  });

  it('throws INVALID_SLO for an invalid SLO and INVALID_ARGUMENT for bad options', () => {
    expect(() => toOpenSlo(edit(slo, ['slo', 'availability', 'target'], 2) as SloFile)).toThrow(
      thrown({
        code: 'SLO_SCHEMA.INVALID_SLO',
        message: expect.stringContaining('slo.availability.target') as unknown,
      }),
    );
    expect(() => toOpenSlo(slo, { latencyObjectiveTarget: 1 })).toThrow(
      thrown({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' }),
    );
    expect(() => toOpenSlo(slo, { prometheus: { requestsMetric: '' } })).toThrow(
      '@slo-engine/slo-schema: options.prometheus.requestsMetric must be a non-empty string',
    );
  });
});

describe('toOpenSloBundle', () => {
  it('exports a fleet in order', () => {
    const other = edit(slo, ['capability', 'name'], 'classify_email') as SloFile;
    expect(toOpenSloBundle([slo, other])).toHaveLength(16);
  });

  it('refuses two capabilities with the same OpenSLO name and duplicated capabilities', () => {
    const twin = edit(slo, ['capability', 'name'], 'convert-document-to-pdf') as SloFile;
    expect(() => toOpenSloBundle([slo, twin])).toThrow(
      thrown({ code: 'SLO_SCHEMA.NAME_COLLISION' }),
    );
    expect(() => toOpenSloBundle([slo, slo])).toThrow(
      thrown({ code: 'SLO_SCHEMA.DUPLICATE_CAPABILITY' }),
    );
  });
});

describe('OpenSLO round trip', () => {
  it('imports its own export unchanged (documents and YAML text, separate and inline indicators)', () => {
    fc.assert(
      fc.property(arbSloFile, fc.boolean(), (original, inlineIndicators) => {
        const docs = toOpenSlo(original, { inlineIndicators });
        expect(valueOf(fromOpenSlo(docs))).toEqual([original]);
        expect(valueOf(fromOpenSloYaml(stringifyOpenSlo(docs)))).toEqual([original]);
      }),
      { numRuns: 60 },
    );
  });

  it('imports a bundle of several capabilities', () => {
    const other = edit(slo, ['capability', 'name'], 'classify_email') as SloFile;
    expect(valueOf(fromOpenSloYaml(stringifyOpenSlo(toOpenSloBundle([slo, other]))))).toEqual([
      slo,
      other,
    ]);
  });

  it('writes multi-document YAML that parses back to the same documents', () => {
    const docs = toOpenSlo(slo);
    expect(valueOf(parseOpenSloYaml(stringifyOpenSlo(docs)))).toEqual(docs);
  });
});

// Written the way the OpenSLO README and examples write documents, without our annotations.
const upstream = `apiVersion: openslo/v1
kind: Service
metadata:
  name: web-shop
spec:
  description: The online shop
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: search-availability
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(search_requests_total{status!~"5.."}[1m]))
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(search_requests_total[1m]))
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-availability
  displayName: Search availability
  labels:
    team: search-team
    costCentre: retail
    serviceTier: tier-1
spec:
  service: web-shop
  indicatorRef: search-availability
  timeWindow:
    - duration: 4w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good searches
      targetPercent: 99.5
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-latency-p99
spec:
  service: web-shop
  indicator:
    metadata:
      name: search-latency
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: 1000 * histogram_quantile(0.99, sum by (le) (rate(search_seconds_bucket[5m])))
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - op: lt
      value: 800
      target: 0.99
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-latency-median
spec:
  service: web-shop
  indicator:
    metadata:
      name: search-latency-median
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: 1000 * histogram_quantile(0.5, sum by (le) (rate(search_seconds_bucket[5m])))
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: p50 under 200ms
      op: lte
      value: 200
      target: 0.99
`;

describe('fromOpenSlo with upstream documents', () => {
  it('imports SLIs, SLOs, percent targets and labels, filling the rest from defaults', () => {
    const result = fromOpenSloYaml(upstream, {
      file: 'shop.yaml',
      defaults: { latency: { p95_ms: 500 }, verb: 'search' },
    });
    expect(valueOf(result)).toEqual([
      {
        capability: { verb: 'search', name: 'web-shop', version: '1.0' },
        slo: {
          latency: { p50_ms: 200, p95_ms: 500, p99_ms: 800 },
          availability: { target: 0.995 },
          error_budget: { monthly_pct: 0.5, alerts: [] },
        },
        enforcement: { reject_on_violation: false, grace_period_days: 7 },
        metadata: { owner: 'search-team', cost_center: 'retail', tier: 'tier-1' },
      },
    ]);
    expect(result.warnings.map((w) => [w.path, w.line, w.reason])).toEqual([
      ['documents[0].kind', 2, 'kind Service is not imported (only SLO and SLI are)'],
      [
        'documents[2].spec.timeWindow[0].duration',
        39,
        'rolling window 4w is imported as the monthly (30d) window of the SLO file format',
      ],
      [
        'documents[3].spec.objectives[0].op',
        66,
        'op lt is imported as lte (the SLO file format keeps latency at or under its threshold)',
      ],
    ]);
  });

  it('names what is missing when neither documents nor defaults give it', () => {
    const issues = issuesOf(fromOpenSloYaml(upstream, { file: 'shop.yaml' }));
    expect(issues.map((i) => [i.path, i.reason])).toEqual([
      [
        'capability["serve:web-shop"].slo.latency.p95_ms',
        'no p95 latency objective (a thresholdMetric SLO named or annotated p95) and no defaults.latency.p95_ms',
      ],
    ]);
  });

  it('validates the assembled SLO like a file', () => {
    const issues = issuesOf(fromOpenSloYaml(upstream, { defaults: { latency: { p95_ms: 100 } } }));
    expect(issues.map((i) => [i.path, i.reason])).toEqual([
      [
        'capability["serve:web-shop"].slo.latency.p95_ms',
        'p95_ms (100) is below p50_ms (200); percentiles must satisfy p50_ms ≤ p95_ms ≤ p99_ms',
      ],
    ]);
  });
});

describe('fromOpenSlo problems', () => {
  // Our own export of the spec 000 SLO: [0] SLI availability, [1] SLO availability, [2]/[3] p50, ...
  const exported = (): unknown[] => JSON.parse(JSON.stringify(toOpenSlo(slo))) as unknown[];
  const change = (index: number, path: (string | number)[], value: unknown): unknown[] => {
    const docs = exported();
    docs[index] = edit(docs[index], path, value);
    return docs;
  };
  const problems = (docs: readonly unknown[]): [string, string][] =>
    issuesOf(fromOpenSlo(docs)).map((i) => [i.path, i.reason]);

  it.each<[string, unknown[], [string, string][]]>([
    [
      'a calendar window',
      change(
        1,
        ['spec', 'timeWindow'],
        [{ duration: '1M', calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'UTC' } }],
      ),
      [
        [
          'documents[1].spec.timeWindow[0]',
          'calendar-aligned time windows are not supported: the SLO file format budgets over a rolling month (use isRolling: true)',
        ],
      ],
    ],
    [
      'two time windows',
      change(
        1,
        ['spec', 'timeWindow'],
        [
          { duration: '30d', isRolling: true },
          { duration: '7d', isRolling: true },
        ],
      ),
      [['documents[1].spec.timeWindow', 'must be a list with exactly one time window; got a list']],
    ],
    [
      'a malformed duration',
      change(1, ['spec', 'timeWindow', 0, 'duration'], '30 days'),
      [
        [
          'documents[1].spec.timeWindow[0].duration',
          'must be a duration shorthand like 30d or 4w; got "30 days"',
        ],
      ],
    ],
    [
      'a lower-bound latency objective',
      change(5, ['spec', 'objectives', 0, 'op'], 'gte'),
      [
        [
          'documents[5].spec.objectives[0].op',
          'a latency objective must be an upper bound (lte or lt); got string "gte"',
        ],
      ],
    ],
    [
      'a latency threshold in seconds',
      change(5, ['spec', 'objectives', 0, 'value'], 0.1),
      [
        [
          'documents[5].spec.objectives[0].value',
          'latency thresholds are whole milliseconds ≥ 1; got 0.1 (if the metric is in seconds, give the threshold in ms)',
        ],
      ],
    ],
    [
      'a reference to a missing SLI',
      change(1, ['spec', 'indicatorRef'], 'nope'),
      // Assembling stops at document errors, so the missing availability is not reported twice.
      [['documents[1].spec.indicatorRef', 'no SLI named "nope" among the documents']],
    ],
    [
      'both indicator and indicatorRef',
      change(1, ['spec', 'indicator'], { spec: { ratioMetric: {} } }),
      [['documents[1].spec', 'an SLO needs exactly one of indicator or indicatorRef']],
    ],
    [
      'an SLI with both metric kinds',
      change(0, ['spec', 'thresholdMetric'], {}),
      [
        [
          'documents[0].spec',
          'an SLI needs exactly one of ratioMetric or thresholdMetric (as a mapping)',
        ],
      ],
    ],
    [
      'an older apiVersion',
      change(1, ['apiVersion'], 'openslo/v1alpha'),
      [['documents[1].apiVersion', 'only openslo/v1 is supported; got string "openslo/v1alpha"']],
    ],
    [
      'an unknown kind',
      change(1, ['kind'], 'Slo'),
      [['documents[1].kind', 'unknown OpenSLO kind string "Slo"']],
    ],
    [
      'two availability objectives',
      change(1, ['spec', 'objectives', 1], { target: 0.99 }),
      [
        [
          'documents[1].spec.objectives[1]',
          'the SLO file format has a single availability target: give a ratioMetric SLO one objective',
        ],
      ],
    ],
    [
      'both target and targetPercent',
      change(1, ['spec', 'objectives', 0, 'targetPercent'], 99.9),
      [
        [
          'documents[1].spec.objectives[0]',
          'an objective needs exactly one of target or targetPercent',
        ],
      ],
    ],
    [
      'conflicting annotations between SLOs of one capability',
      change(3, ['metadata', 'annotations', OPENSLO_ANNOTATIONS.gracePeriodDays], '8'),
      [
        [
          'documents[3].metadata.annotations["slo-engine.dev/grace-period-days"]',
          'grace_period_days 8 for capability "convert:convert_document_to_pdf" conflicts with 7 from documents[1]',
        ],
      ],
    ],
    [
      'a malformed annotation',
      change(1, ['metadata', 'annotations', OPENSLO_ANNOTATIONS.rejectOnViolation], 'no'),
      [
        [
          'documents[1].metadata.annotations["slo-engine.dev/reject-on-violation"]',
          'must be "true" or "false"; got "no"',
        ],
      ],
    ],
    [
      'an unknown budgeting method',
      change(1, ['spec', 'budgetingMethod'], 'Events'),
      [
        [
          'documents[1].spec.budgetingMethod',
          'must be Occurrences, Timeslices or RatioTimeslices; got string "Events"',
        ],
      ],
    ],
  ])('reports %s', (_, docs, expected) => {
    expect(problems(docs)).toEqual(expected);
  });

  const unnamedLatency = (query: string): unknown => ({
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name: 'checkout-slow' },
    spec: {
      service: 'checkout',
      indicator: {
        metadata: { name: 'checkout-latency' },
        spec: { thresholdMetric: { metricSource: { type: 'Prometheus', spec: { query } } } },
      },
      budgetingMethod: 'Occurrences',
      objectives: [{ op: 'lte', value: 300, target: 0.99 }],
    },
  });

  it('tells the percentile from a histogram_quantile query when no name does', () => {
    const result = fromOpenSlo(
      [unnamedLatency('histogram_quantile( .95, sum by (le) (rate(x_bucket[5m])))')],
      {
        defaults: {
          latency: { p50_ms: 100, p99_ms: 900 },
          availabilityTarget: 0.99,
          metadata: { owner: 'o', cost_center: 'c', tier: 't' },
        },
      },
    );
    expect(valueOf(result)[0].slo.latency).toEqual({ p50_ms: 100, p95_ms: 300, p99_ms: 900 });
  });

  it('asks for a percentile when nothing tells it', () => {
    const docs: unknown[] = [
      {
        apiVersion: 'openslo/v1',
        kind: 'SLO',
        metadata: { name: 'search-slo' },
        spec: {
          service: 'web-shop',
          indicator: {
            metadata: { name: 'search-latency' },
            spec: { thresholdMetric: { metricSource: { type: 'Any', spec: {} } } },
          },
          budgetingMethod: 'Occurrences',
          objectives: [{ op: 'lt', value: 500, target: 0.99 }],
        },
      },
    ];
    expect(problems(docs)[0]).toEqual([
      'documents[0].spec.objectives[0]',
      `cannot tell which latency percentile this threshold is: name the objective, SLO or SLI with p50, p95 or p99, or annotate ${OPENSLO_ANNOTATIONS.objective}: latency-p95`,
    ]);
  });

  it('reports SLI names defined twice and warns about unused SLIs and ignored budgeting methods', () => {
    const docs = exported();
    docs.push(docs[0]);
    expect(problems(docs)).toEqual([
      [
        'documents[8].metadata.name',
        'SLI "convert-convert-document-to-pdf-availability" is already defined by documents[0]',
      ],
    ]);
    const unused = exported();
    unused.push(edit(unused[0], ['metadata', 'name'], 'spare'));
    unused[1] = edit(unused[1], ['spec', 'budgetingMethod'], 'Timeslices');
    expect(fromOpenSlo(unused).warnings.map((w) => [w.path, w.reason])).toEqual([
      [
        'documents[1].spec.budgetingMethod',
        'Timeslices is imported as Occurrences, the only budgeting the SLO file format knows',
      ],
      ['documents[8].metadata.name', 'SLI "spare" is not referenced by any SLO'],
    ]);
  });

  it('reports documents without any SLO, skipping empty ones', () => {
    expect(problems([null, exported()[0]])).toEqual([['', 'no OpenSLO SLO documents found']]);
  });

  it('gives line numbers for problems in YAML text and reports syntax errors', () => {
    const text = stringifyOpenSlo(toOpenSlo(slo)).replace(
      'op: lte\n      value: 100',
      'op: gt\n      value: 100',
    );
    const issues = issuesOf(fromOpenSloYaml(text, { file: 'bundle.yaml' }));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'bundle.yaml',
        path: 'documents[5].spec.objectives[0].op',
        line: expect.any(Number) as unknown,
      }),
    ]);
    const lines = text.split('\n');
    expect(lines[issues[0].line! - 1]).toContain('op: gt');
    expect(issuesOf(fromOpenSloYaml('kind: [SLO\n'))[0].reason).toMatch(/^YAML: /);
    expect(issuesOf(parseOpenSloYaml('a: [\n'))[0].reason).toMatch(/^YAML: /);
  });

  it('throws for documents that are not an array and text that is not a string', () => {
    expect(() => fromOpenSlo({} as never)).toThrow(thrown({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' }));
    expect(() => fromOpenSloYaml(1 as never)).toThrow(
      thrown({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' }),
    );
  });
});
