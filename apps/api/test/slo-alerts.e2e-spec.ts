/**
 * AC-010 over HTTP: a recommendation accepted through `POST /services/{id}/slos` becomes burn-rate
 * alert rules at `GET /services/{id}/slos/alerts`. Prometheus's own tool judges the rule file
 * (`promtool check rules`, then `promtool test rules` with an outage that must page), and the
 * OpenSLO export parses as OpenSLO v1 YAML with an SLI and an SLO per objective.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusBinaries } from '@slo-engine/testing';
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  problemFields,
  type InjectResponse,
} from './api-fixture';

interface RecommendationsBody {
  recommendations: Array<{ recommendation_id: string; sli_type: 'availability' | 'latency' }>;
}

interface SloDecisionBody {
  targets: {
    availability: number | null;
    latency_p95_ms: number | null;
    latency_p99_ms: number | null;
    latency_p999_ms: number | null;
  };
}

/**
 * slo-schema's multi-document YAML reader (`parseOpenSloYaml` parses without interpreting),
 * through the Jest preset's mapping of workspace packages to their sources: apps/api does not
 * depend on @slo-engine/slo-schema itself (core does).
 */
const { parseOpenSloYaml } = jest.requireActual<{
  parseOpenSloYaml(
    text: string,
  ): { ok: true; value: unknown[] } | { ok: false; issues: ReadonlyArray<{ reason: string }> };
}>('@slo-engine/slo-schema');

function parsedYaml(text: string): unknown[] {
  const parsed = parseOpenSloYaml(text);
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => issue.reason).join('; '));
  return parsed.value;
}

const SERVICE = 'checkout-service';
const ALERTS_URL = `${API}/services/${SERVICE}/slos/alerts`;

let fixture: ApiFixture;
let dir: string;
const promtool = prometheusBinaries().promtool;

function runPromtool(args: readonly string[]): { status: number | null; output: string } {
  const run = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function yamlBody(response: InjectResponse): string {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status: 200 });
  expect(response.headers['content-type']).toBe('application/yaml; charset=utf-8');
  return response.body;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slo-alerts-e2e-'));
  fixture = await createApiFixture();
  await fixture.ingest({
    source: 'manual',
    nodes: [
      { service_id: SERVICE, metadata: { team: 'checkout' } },
      { service_id: 'payment-service', metadata: { team: 'payments' } },
    ],
    edges: [{ source: SERVICE, target: 'payment-service' }],
  });
}, 120_000);

afterAll(async () => {
  await fixture?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/services/{id}/slos/alerts (AC-010)', () => {
  it('answers 404 SLO.NOT_FOUND before an SLO is accepted, GRAPH.SERVICE_NOT_FOUND for an unknown service', async () => {
    expectProblem(await fixture.request({ method: 'GET', url: ALERTS_URL }), 404, 'SLO.NOT_FOUND');
    expectProblem(
      await fixture.request({ method: 'GET', url: `${API}/services/no-such-service/slos/alerts` }),
      404,
      'GRAPH.SERVICE_NOT_FOUND',
    );
  });

  it('refuses a format other than prometheus or openslo, naming `format`', async () => {
    for (const format of ['xml', 'PROMETHEUS', '']) {
      const problem = expectProblem(
        await fixture.request({ method: 'GET', url: `${ALERTS_URL}?format=${format}` }),
        400,
      );
      expect(problemFields(problem)).toEqual(['format']);
    }
    const extra = expectProblem(
      await fixture.request({ method: 'GET', url: `${ALERTS_URL}?format=prometheus&window=1h` }),
      400,
    );
    expect(problemFields(extra)).toEqual(['window']);
  });

  describe('after accepting the recommendations', () => {
    let slo: SloDecisionBody['targets'];

    beforeAll(async () => {
      const { recommendations } = expectJson<RecommendationsBody>(
        await fixture.request({
          method: 'GET',
          url: `${API}/services/${SERVICE}/slo-recommendations`,
        }),
      );
      const admin = await fixture.asUser({
        sub: 'jane',
        email: 'jane.doe@example.com',
        roles: ['sre_admin'],
      });
      for (const recommendation of recommendations) {
        const decided = expectJson<SloDecisionBody>(
          await fixture.request({
            method: 'POST',
            url: `${API}/services/${SERVICE}/slos`,
            headers: admin,
            payload: {
              recommendation_id: recommendation.recommendation_id,
              action: 'accept',
              selected_tier: 'balanced',
              rationale: 'AC-010',
            },
          }),
          201,
        );
        slo = decided.targets;
      }
    }, 60_000);

    it('returns a Prometheus rule file that promtool accepts, with the workbook burn rates', async () => {
      expect(slo.availability).not.toBeNull();
      const rules = yamlBody(await fixture.request({ method: 'GET', url: ALERTS_URL }));
      const file = join(dir, 'rules.yml');
      writeFileSync(file, rules);

      const { status, output } = runPromtool(['check', 'rules', file]);
      expect(output).toMatch(/SUCCESS: \d+ rules found/);
      expect(status).toBe(0);

      for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']) {
        expect(rules).toContain(`record: slo:sli_error:ratio_rate${window}`);
      }
      expect(rules).toContain('alert: CheckoutServiceAvailabilitySLOPageBurnRate');
      expect(rules).toContain('alert: CheckoutServiceAvailabilitySLOTicketBurnRate');
      for (const factor of ['14.4', '6', '3', '1']) expect(rules).toContain(`> (${factor} * `);
      const latency: Array<[number | null, string]> = [
        [slo.latency_p95_ms, 'LatencyP95'],
        [slo.latency_p99_ms, 'LatencyP99'],
        [slo.latency_p999_ms, 'LatencyP999'],
      ];
      for (const [target, name] of latency) {
        if (target === null) expect(rules).not.toContain(`CheckoutService${name}SLO`);
        else expect(rules).toContain(`alert: CheckoutService${name}SLOPageBurnRate`);
      }
      // The format is explicit or the default: the same file.
      const explicit = await fixture.request({
        method: 'GET',
        url: `${ALERTS_URL}?format=prometheus`,
      });
      expect(yamlBody(explicit)).toBe(rules);
    });

    it('pages on an outage and stays silent on healthy traffic (promtool test rules)', async () => {
      const rules = yamlBody(await fixture.request({ method: 'GET', url: ALERTS_URL }));
      writeFileSync(join(dir, 'rules.yml'), rules);
      const [ruleFile] = parsedYaml(rules) as Array<{
        groups: Array<{
          rules: Array<{
            alert?: string;
            labels: Record<string, string>;
            annotations?: Record<string, string>;
          }>;
        }>;
      }>;
      const page = ruleFile.groups
        .flatMap((group) => group.rules)
        .find((rule) => rule.alert === 'CheckoutServiceAvailabilitySLOPageBurnRate')!;
      const firing = [
        {
          exp_labels: {
            ...page.labels,
            sloth_id: `${SERVICE}-availability`,
            sloth_service: SERVICE,
            sloth_slo: 'availability',
          },
          exp_annotations: page.annotations,
        },
      ];
      const requests = (status: string, values: string) => ({
        series: `http_requests_total{service="${SERVICE}",status="${status}"}`,
        values,
      });
      const scenario = (name: string, errors: string, ok: string, fires: boolean) => ({
        name,
        interval: '1m',
        input_series: [requests('500', errors), requests('200', ok)],
        alert_rule_test: [
          { eval_time: '1h', alertname: page.alert, exp_alerts: fires ? firing : [] },
        ],
      });
      // JSON is YAML: promtool reads it as is.
      const testFile = join(dir, 'rules.test.yml');
      writeFileSync(
        testFile,
        JSON.stringify({
          rule_files: ['rules.yml'],
          evaluation_interval: '1m',
          tests: [
            scenario('outage: every request fails', '0+60x60', '0+0x60', true),
            scenario('healthy: no request fails', '0+0x60', '0+60x60', false),
          ],
        }),
      );

      const { status, output } = runPromtool(['test', 'rules', testFile]);
      expect(output).toContain('SUCCESS');
      expect(status).toBe(0);
    }, 60_000);

    it('exports OpenSLO v1: an SLI and an SLO per objective, parseable as YAML', async () => {
      const text = yamlBody(
        await fixture.request({ method: 'GET', url: `${ALERTS_URL}?format=openslo` }),
      );

      const documents = parsedYaml(text) as Array<{
        apiVersion: string;
        kind: string;
        metadata: { name: string; labels?: Record<string, string> };
        spec: { service?: string; indicatorRef?: string; objectives?: Array<{ target: number }> };
      }>;
      const objectives = [
        ['availability', slo.availability],
        ['latency-p95', slo.latency_p95_ms],
        ['latency-p99', slo.latency_p99_ms],
        ['latency-p999', slo.latency_p999_ms],
      ].filter(([, target]) => target !== null);
      expect(documents.map((d) => [d.apiVersion, d.kind, d.metadata.name])).toEqual(
        objectives.flatMap(([name]) => [
          ['openslo/v1', 'SLI', `${SERVICE}-${String(name)}`],
          ['openslo/v1', 'SLO', `${SERVICE}-${String(name)}`],
        ]),
      );
      const availability = documents.find(
        (d) => d.kind === 'SLO' && d.metadata.name === `${SERVICE}-availability`,
      )!;
      expect(availability.spec).toMatchObject({
        service: SERVICE,
        indicatorRef: `${SERVICE}-availability`,
        objectives: [{ target: Number((slo.availability! / 100).toPrecision(15)) }],
      });
      expect(availability.metadata.labels).toEqual({ team: 'checkout' });
    });

    it('is open to viewers', async () => {
      const viewer = await fixture.asUser({ sub: 'viewer-1', roles: ['viewer'] });
      yamlBody(await fixture.request({ method: 'GET', url: ALERTS_URL, headers: viewer }));
    });
  });
});
