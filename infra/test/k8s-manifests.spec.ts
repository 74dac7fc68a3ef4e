// The Kubernetes manifests (infra/k8s), checked without a cluster: every overlay renders with
// `kubectl kustomize`, passes the schema validator (infra/scripts/validate-k8s.mjs) and meets the
// deployment policy of spec 004 §8 and the brief of issue 7 (probes, resources, non-root, secrets
// by reference only, selectors that select something).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const INFRA = join(__dirname, '..');
const K8S = join(INFRA, 'k8s');
const VALIDATOR = join(INFRA, 'scripts', 'validate-k8s.mjs');

/** Names that hold credentials. Such a variable must come from a Secret (key ref or file). */
const SECRET_LOOKING_NAME = /PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL|REDIS_URL/;
/** Settings that only contain one of those words: prefixes of Redis keys, not keys. */
const NOT_SECRETS = new Set(['CONTROLLER_IDEMPOTENCY_KEY_PREFIX', 'RATE_LIMIT_KEY_PREFIX']);

// Minimal shapes of the objects the policy reads; the validator checks the full schemas.
type Labels = Record<string, string>;
interface Metadata {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}
interface Probe {
  httpGet?: { path: string; port: string | number; scheme?: string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Volume {
  name: string;
  emptyDir?: object;
  secret?: { secretName: string };
  configMap?: { name: string };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Volume[];
}
interface PodTemplate {
  metadata?: { labels?: Labels };
  spec: PodSpec;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Deployment extends K8sObject {
  spec: { replicas: number; selector: { matchLabels: Labels }; template: PodTemplate };
}
interface Job extends K8sObject {
  spec: { template: PodTemplate };
}
interface Service extends K8sObject {
  spec: { selector: Labels; ports: { name: string; port: number; targetPort: string | number }[] };
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: {
      type: string;
      resource?: { name: string; target: { averageUtilization?: number } };
    }[];
  };
}
interface Pdb extends K8sObject {
  spec: { selector: { matchLabels: Labels }; maxUnavailable?: number; minAvailable?: number };
}
interface ServiceMonitor extends K8sObject {
  spec: { selector: { matchLabels: Labels }; endpoints: { port: string; path: string }[] };
}

function render(overlay: string): string {
  return execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}

function parseDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

function runValidator(input: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [VALIDATOR], { input, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function ofKind<T extends K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

function byName<T extends K8sObject>(objects: T[], name: string): T {
  const found = objects.find((object) => object.metadata.name === name);
  if (found === undefined)
    throw new Error(`no ${name} among ${objects.map((o) => o.metadata.name).join(', ')}`);
  return found;
}

/** A selector selects a pod when each of its labels is on the pod with the same value. */
function selects(selector: Labels, podLabels: Labels | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => podLabels?.[key] === value);
}

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** Problems of one container's environment: secret-looking variables with a literal value. */
function secretsInPlainEnv(container: Container, volumes: Volume[]): string[] {
  const secretMounts = (container.volumeMounts ?? []).filter(
    (mount) => volumes.find((volume) => volume.name === mount.name)?.secret !== undefined,
  );
  const problems: string[] = [];
  for (const variable of container.env ?? []) {
    if (!SECRET_LOOKING_NAME.test(variable.name) || NOT_SECRETS.has(variable.name)) continue;
    if (variable.valueFrom?.secretKeyRef !== undefined) continue;
    const isFileFromSecret =
      variable.name.endsWith('_FILE') &&
      variable.value !== undefined &&
      secretMounts.some((mount) => variable.value!.startsWith(`${mount.mountPath}/`));
    if (!isFileFromSecret)
      problems.push(
        `${container.name}: ${variable.name} is neither a secretKeyRef nor a file of a mounted Secret`,
      );
  }
  return problems;
}

interface Expectations {
  replicas: Record<string, number>;
  hpa: Record<string, { min: number; max: number }>;
}

const OVERLAYS: Record<string, Expectations> = {
  // Spec 004 §8.2 and §8.4.
  production: {
    replicas: { 'slo-engine-api': 3, 'slo-engine-workers': 2, 'slo-engine-controller': 1 },
    hpa: { 'slo-engine-api': { min: 3, max: 10 }, 'slo-engine-workers': { min: 2, max: 8 } },
  },
  development: {
    replicas: { 'slo-engine-api': 1, 'slo-engine-workers': 1, 'slo-engine-controller': 1 },
    hpa: { 'slo-engine-api': { min: 1, max: 2 }, 'slo-engine-workers': { min: 1, max: 2 } },
  },
};

describe.each(Object.entries(OVERLAYS))('overlay %s', (overlay, expected) => {
  let rendered: string;
  let objects: K8sObject[];
  let deployments: Deployment[];
  let podSpecs: { owner: string; spec: PodSpec }[];

  beforeAll(() => {
    rendered = render(overlay);
    objects = parseDocuments(rendered);
    deployments = ofKind<Deployment>(objects, 'Deployment');
    podSpecs = [
      ...deployments.map((d) => ({
        owner: `Deployment ${d.metadata.name}`,
        spec: d.spec.template.spec,
      })),
      ...ofKind<Job>(objects, 'Job').map((j) => ({
        owner: `Job ${j.metadata.name}`,
        spec: j.spec.template.spec,
      })),
    ];
  });

  it('passes the Kubernetes schema validator', () => {
    const { status, output } = runValidator(rendered);
    expect(output).toContain(`${objects.length} valid, 0 invalid`);
    expect(status).toBe(0);
  });

  it('puts every object in one namespace and ships no Secret', () => {
    const namespaced = objects.filter((object) => object.kind !== 'Namespace');
    const namespaces = new Set(namespaced.map((object) => object.metadata.namespace));
    expect(namespaces.size).toBe(1);
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata.name)).toEqual([...namespaces]);
    // Secrets are created by the operator (README); their values never live in git.
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  it('runs the api, workers and controller with the expected replicas', () => {
    const replicas = Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.replicas]));
    expect(replicas).toEqual(expected.replicas);
  });

  it('gives every long-running container liveness, readiness and startup probes on a declared port', () => {
    for (const deployment of deployments)
      for (const container of allContainers(deployment.spec.template.spec)) {
        const portNames = (container.ports ?? []).map((port) => port.name);
        for (const probe of [
          container.livenessProbe,
          container.readinessProbe,
          container.startupProbe,
        ]) {
          expect(probe?.httpGet).toBeDefined();
          expect(portNames).toContain(probe!.httpGet!.port);
        }
        expect(container.readinessProbe!.httpGet!.path).not.toBe(
          container.livenessProbe!.httpGet!.path,
        );
      }
  });

  it('probes the documented health endpoints', () => {
    const paths = (name: string) => {
      const container = byName(deployments, name).spec.template.spec.containers[0];
      return [container.livenessProbe?.httpGet?.path, container.readinessProbe?.httpGet?.path];
    };
    expect(paths('slo-engine-api')).toEqual(['/api/v1/health', '/api/v1/health/ready']);
    expect(paths('slo-engine-controller')).toEqual(['/health', '/health/ready']);
    expect(paths('slo-engine-workers')).toEqual(['/health', '/health/ready']);
  });

  it('sets cpu and memory requests and limits on every container, limits not below requests', () => {
    const quantity = (value: string | undefined): number => {
      const match = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(value ?? '');
      if (match === null) throw new Error(`not a quantity: ${value}`);
      const scale = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[match[2] ?? ''] ?? 1;
      return Number(match[1]) * scale;
    };
    for (const { owner, spec } of podSpecs)
      for (const container of allContainers(spec))
        for (const resource of ['cpu', 'memory']) {
          const request = container.resources?.requests?.[resource];
          const limit = container.resources?.limits?.[resource];
          expect({
            owner,
            resource,
            request: request !== undefined,
            limit: limit !== undefined,
          }).toEqual({
            owner,
            resource,
            request: true,
            limit: true,
          });
          expect(quantity(limit)).toBeGreaterThanOrEqual(quantity(request));
        }
  });

  it('runs every pod as non-root with a read-only root filesystem and a writable /tmp', () => {
    for (const { owner, spec } of podSpecs) {
      expect({ owner, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({
        owner,
        runAsNonRoot: true,
      });
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
      for (const container of allContainers(spec)) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        expect(spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('takes every secret-looking variable from a Secret, never from a literal or a ConfigMap', () => {
    const problems = podSpecs.flatMap(({ spec }) =>
      allContainers(spec).flatMap((container) => secretsInPlainEnv(container, spec.volumes ?? [])),
    );
    expect(problems).toEqual([]);
    const configKeys = ofKind(objects, 'ConfigMap').flatMap((map) => Object.keys(map.data ?? {}));
    expect(
      configKeys.filter((key) => SECRET_LOOKING_NAME.test(key) && !NOT_SECRETS.has(key)),
    ).toEqual([]);
  });

  it('documents every Secret the pods reference in the README', () => {
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    const referenced = new Set<string>();
    for (const { spec } of podSpecs) {
      for (const volume of spec.volumes ?? [])
        if (volume.secret) referenced.add(volume.secret.secretName);
      for (const container of allContainers(spec))
        for (const variable of container.env ?? [])
          if (variable.valueFrom?.secretKeyRef)
            referenced.add(variable.valueFrom.secretKeyRef.name);
    }
    for (const monitor of ofKind(objects, 'ServiceMonitor'))
      for (const match of JSON.stringify(monitor.spec).matchAll(
        /"secret":\{[^}]*"name":"([^"]+)"/g,
      ))
        referenced.add(match[1]);
    expect(referenced.size).toBeGreaterThan(0);
    expect([...referenced].filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('references only ConfigMaps that are rendered with it', () => {
    const configMaps = new Set(ofKind(objects, 'ConfigMap').map((map) => map.metadata.name));
    for (const { spec } of podSpecs) {
      const names = [
        ...(spec.volumes ?? []).flatMap((volume) =>
          volume.configMap ? [volume.configMap.name] : [],
        ),
        ...allContainers(spec).flatMap((c) =>
          (c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : [])),
        ),
      ];
      for (const name of names) expect(configMaps).toContain(name);
    }
  });

  it('pins every image to a tag that is not latest', () => {
    for (const { spec } of podSpecs)
      for (const container of allContainers(spec))
        expect(container.image).toMatch(/^[^:]+:(?!latest$)[\w.-]+$|@sha256:/);
  });

  it('points each HPA at an existing Deployment with the spec 004 §8.4 bounds, api CPU at 70 %', () => {
    const hpas = ofKind<Hpa>(objects, 'HorizontalPodAutoscaler');
    const bounds = Object.fromEntries(
      hpas.map((hpa) => [
        hpa.spec.scaleTargetRef.name,
        { min: hpa.spec.minReplicas, max: hpa.spec.maxReplicas },
      ]),
    );
    expect(bounds).toEqual(expected.hpa);
    for (const hpa of hpas) {
      expect(hpa.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      const target = byName(deployments, hpa.spec.scaleTargetRef.name);
      // A Deployment below the HPA's floor would be scaled up at once: keep them in step.
      expect(target.spec.replicas).toBe(hpa.spec.minReplicas);
      expect(hpa.spec.metrics.length).toBeGreaterThan(0);
    }
    const apiCpu = byName(hpas, 'slo-engine-api').spec.metrics.find(
      (m) => m.resource?.name === 'cpu',
    );
    expect(apiCpu?.resource?.target.averageUtilization).toBe(70);
  });

  it('gives each Deployment a PodDisruptionBudget that selects exactly its pods and allows a drain', () => {
    const pdbs = ofKind<Pdb>(objects, 'PodDisruptionBudget');
    for (const deployment of deployments) {
      const covering = pdbs.filter((pdb) =>
        selects(pdb.spec.selector.matchLabels, deployment.spec.template.metadata?.labels),
      );
      expect(covering.map((pdb) => pdb.metadata.name)).toEqual([deployment.metadata.name]);
      // minAvailable equal to the replicas would block every node drain forever.
      expect(covering[0].spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
    for (const pdb of pdbs)
      expect(
        deployments.filter((d) =>
          selects(pdb.spec.selector.matchLabels, d.spec.template.metadata?.labels),
        ),
      ).toHaveLength(1);
  });

  it('has each Deployment select its own pods, and each Service select pods with its target port', () => {
    for (const deployment of deployments)
      expect(
        selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata?.labels),
      ).toBe(true);
    for (const service of ofKind<Service>(objects, 'Service')) {
      const backends = deployments.filter((d) =>
        selects(service.spec.selector, d.spec.template.metadata?.labels),
      );
      expect({ service: service.metadata.name, backends: backends.length }).toEqual({
        service: service.metadata.name,
        backends: 1,
      });
      const portNames = backends[0].spec.template.spec.containers.flatMap((c) =>
        (c.ports ?? []).map((p) => p.name),
      );
      for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
    }
  });

  it('scrapes /metrics of every Service through a ServiceMonitor on a named Service port', () => {
    const services = ofKind<Service>(objects, 'Service');
    const monitors = ofKind<ServiceMonitor>(objects, 'ServiceMonitor');
    expect(monitors).toHaveLength(services.length);
    for (const monitor of monitors) {
      const matched = services.filter((service) =>
        selects(monitor.spec.selector.matchLabels, service.metadata.labels),
      );
      expect(matched).toHaveLength(1);
      for (const endpoint of monitor.spec.endpoints) {
        expect(endpoint.path).toBe('/metrics');
        expect(matched[0].spec.ports.map((port) => port.name)).toContain(endpoint.port);
      }
    }
  });

  it('migrates with the API image as an Argo CD PreSync hook', () => {
    const [job, ...others] = ofKind<Job>(objects, 'Job');
    expect(others).toEqual([]);
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual([
      'node',
      'node_modules/@slo-engine/adapters/dist/postgres/migrate.js',
      'up',
    ]);
    const api = byName(deployments, 'slo-engine-api').spec.template.spec.containers[0];
    expect(container.image).toBe(api.image);
  });
});

describe('validate-k8s.mjs', () => {
  const validDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: demo }
spec:
  selector: { matchLabels: { app: demo } }
  template:
    metadata: { labels: { app: demo } }
    spec:
      containers:
        - name: demo
          image: demo:1.0.0
          ports: [{ containerPort: 8000 }]
`;

  it('accepts a valid document', () => {
    const { status, output } = runValidator(validDeployment);
    expect(output).toContain('1 valid, 0 invalid');
    expect(status).toBe(0);
  });

  it('rejects a document that breaks the schema, naming the JSON path', () => {
    const broken = validDeployment.replace(
      'containerPort: 8000',
      'containerPort: "eight thousand"',
    );
    const { status, output } = runValidator(
      `${validDeployment}---${broken.replace('name: demo }', 'name: broken }')}`,
    );
    expect(status).toBe(1);
    expect(output).toContain('INVALID  Deployment broken');
    expect(output).toContain(
      '/spec/template/spec/containers/0/ports/0/containerPort: must be integer',
    );
    expect(output).toContain('2 document(s): 1 valid, 1 invalid');
  });

  it('rejects kinds it has no schema for, including nested types passed off as resources', () => {
    const { status, output } = runValidator(
      'apiVersion: v1\nkind: Widget\nmetadata: { name: w }\n---\napiVersion: v1\nkind: Container\nmetadata: { name: c }\n',
    );
    expect(status).toBe(1);
    expect(output).toContain('unknown kind: no schema for apiVersion v1, kind Widget');
    expect(output).toContain('unknown kind: no schema for apiVersion v1, kind Container');
  });

  it('validates Prometheus Operator resources too', () => {
    const monitor = (port: string) =>
      `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: { name: m }\nspec:\n  selector: {}\n  endpoints: [{ port: ${port} }]\n`;
    expect(runValidator(monitor('http')).status).toBe(0);
    const { status, output } = runValidator(monitor('[not, a, string]'));
    expect(status).toBe(1);
    expect(output).toContain('/spec/endpoints/0/port: must be string');
  });

  it('rejects duplicates, YAML errors and empty input', () => {
    expect(runValidator(`${validDeployment}---${validDeployment}`).output).toContain(
      'duplicates document 1',
    );
    expect(runValidator('kind: [\n').status).toBe(1);
    expect(runValidator('').status).toBe(2);
  });
});
