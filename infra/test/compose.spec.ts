/**
 * The local stack (infra/docker-compose.yml), the images (infra/docker/*.Dockerfile) and the
 * Prometheus scrape configuration, checked without a Docker engine: everything they reference
 * exists, the wiring between services is consistent (ports, Redis roles, scrape targets, health
 * conditions), the apps accept the environment compose and the images give them, and the images
 * follow the rules for production (non-root, pinned, health-checked, nothing but the deployed app
 * in the runtime stage).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { dirname, join, posix, resolve } from 'node:path';

import { prometheusBinaries } from '@slo-engine/testing';
import { parse as parseYaml } from 'yaml';

import { loadApiConfig } from '../../apps/api/src/config';
import { loadControllerConfig } from '../../apps/controller/src/config';

const ROOT = join(__dirname, '..', '..');
const INFRA = join(ROOT, 'infra');
const COMPOSE_FILE = join(INFRA, 'docker-compose.yml');
const PROMETHEUS_CONFIG = join(INFRA, 'prometheus', 'prometheus.yml');
const HEALTHCHECK_SCRIPT = join(INFRA, 'docker', 'healthcheck.cjs');

/** Host directories the stack mounts that other parts of infra/ own (they may lag behind). */
const OTHER_OWNERS_DIRECTORIES = new Set([
  'prometheus/rules',
  'grafana/provisioning',
  'grafana/dashboards',
]);
/** The one password this file may contain, marked "local-development" where it is used. */
const DEVELOPMENT_PASSWORD = 'slo-engine-dev';
const APPS = ['api', 'controller', 'workers'] as const;
type App = (typeof APPS)[number];

// ---------------------------------------------------------------------------------------------
// Compose file model and helpers
// ---------------------------------------------------------------------------------------------

interface ComposeBuild {
  readonly context: string;
  readonly dockerfile?: string;
}

interface ComposeService {
  readonly image?: string;
  readonly build?: ComposeBuild | string;
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly depends_on?: readonly string[] | Readonly<Record<string, { condition: string }>>;
  readonly healthcheck?: { readonly test: readonly string[] | string; readonly disable?: boolean };
  readonly read_only?: boolean;
  readonly networks?: readonly string[] | Readonly<Record<string, unknown>>;
}

interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
  readonly networks?: Readonly<
    Record<string, { ipam?: { config?: readonly { subnet?: string }[] } } | null>
  >;
}

function loadCompose(): ComposeFile {
  // Compose resolves YAML merge keys (`<<: *app-hardening`); so must the test.
  return parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

/**
 * Compose's variable substitution as a fresh shell sees it (no variable set): `${VAR:-default}`
 * and `${VAR-default}` give the default, `${VAR}` the empty string, `$$` a literal `$`.
 */
function interpolate(value: string, env: Readonly<Record<string, string>> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g,
    (
      match,
      name: string | undefined,
      operator: string | undefined,
      fallback: string | undefined,
    ) => {
      if (match === '$$') return '$';
      const set = name !== undefined ? env[name] : undefined;
      if (operator === ':-') return set !== undefined && set !== '' ? set : (fallback ?? '');
      if (operator === '-') return set ?? fallback ?? '';
      return set ?? '';
    },
  );
}

function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [
      name,
      interpolate(value === null ? '' : String(value)),
    ]),
  );
}

function commandOf(service: ComposeService): string[] {
  const { command } = service;
  if (command === undefined) return [];
  return typeof command === 'string' ? command.split(/\s+/) : [...command];
}

function dependencies(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn)
    ? Object.fromEntries((dependsOn as readonly string[]).map((name) => [name, 'service_started']))
    : Object.fromEntries(
        Object.entries(dependsOn as Record<string, { condition: string }>).map(([name, value]) => [
          name,
          value.condition,
        ]),
      );
}

interface PortMapping {
  readonly hostIp: string | undefined;
  readonly hostPort: number;
  readonly containerPort: number;
}

/** Short syntax `[ip:]host:container[/proto]`, after interpolation. */
function parsePort(spec: string): PortMapping {
  const parts = interpolate(spec)
    .replace(/\/(tcp|udp)$/, '')
    .split(':');
  const containerPort = Number(parts.at(-1));
  const hostPort = Number(parts.at(-2));
  const hostIp = parts.length === 3 ? parts[0] : undefined;
  if (!Number.isInteger(containerPort) || !Number.isInteger(hostPort))
    throw new Error(`cannot read port mapping "${spec}"`);
  return { hostIp, hostPort, containerPort };
}

interface Mount {
  readonly source: string;
  readonly target: string;
  /** A host path (bind mount), not a named volume. */
  readonly bind: boolean;
  readonly mode: string | undefined;
}

/** Short syntax `source:target[:mode]`, after interpolation. */
function parseVolume(spec: string): Mount {
  const [source = '', target = '', mode] = interpolate(spec).split(':');
  return { source, target, bind: /^(\.|\/|~)/.test(source), mode };
}

function networkNames(service: ComposeService): string[] {
  const { networks } = service;
  if (networks === undefined) return [];
  return Array.isArray(networks) ? [...(networks as readonly string[])] : Object.keys(networks);
}

function buildOf(service: ComposeService): ComposeBuild | undefined {
  if (service.build === undefined) return undefined;
  return typeof service.build === 'string' ? { context: service.build } : service.build;
}

/** The Dockerfile of a built service, resolved as compose does (relative to the context). */
function dockerfilePathOf(service: ComposeService): string {
  const build = buildOf(service);
  if (build === undefined) throw new Error('service is not built');
  return resolve(INFRA, build.context, build.dockerfile ?? 'Dockerfile');
}

function redisUrlHost(url: string): string {
  return new URL(url).hostname;
}

function maxmemoryPolicy(service: ComposeService): string | undefined {
  const command = commandOf(service);
  const index = command.indexOf('--maxmemory-policy');
  return index === -1 ? undefined : command[index + 1];
}

// ---------------------------------------------------------------------------------------------
// Dockerfile model
// ---------------------------------------------------------------------------------------------

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

interface Dockerfile {
  readonly args: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

/** Enough of the Dockerfile grammar for these files: comments, `\` continuations, stages. */
function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Comment lines are removed before continuation lines are joined, as BuildKit does.
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = rest;
      stages.push({
        from: image,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=');
      args[name] = value;
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

function loadDockerfile(app: App): Dockerfile {
  return parseDockerfile(readFileSync(join(INFRA, 'docker', `${app}.Dockerfile`), 'utf8'));
}

function imageOf(dockerfile: Dockerfile, stage: Stage): string {
  return interpolate(stage.from.replace(/\$\{?([A-Za-z_]+)\}?/, '${$1}'), dockerfile.args);
}

function finalStage(dockerfile: Dockerfile): Stage {
  const stage = dockerfile.stages.at(-1);
  if (stage === undefined) throw new Error('Dockerfile has no stage');
  return stage;
}

function instructionsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** `ENV A=1 B=2` (and the legacy `ENV A 1`) of a stage. */
function environmentOfStage(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of instructionsOf(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [name = '', ...value] = args.split(/\s+/);
      env[name] = value.join(' ');
      continue;
    }
    for (const pair of args.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g) ?? []) {
      const [name = '', ...value] = pair.split('=');
      env[name] = value.join('=').replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** COPY sources, without flags; `--from=` copies come from another stage, not the context. */
function copies(stage: Stage): { readonly fromStage: boolean; readonly sources: string[] }[] {
  return instructionsOf(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/);
    const fromStage = words.some((word) => word.startsWith('--from='));
    const paths = words.filter((word) => !word.startsWith('--'));
    return { fromStage, sources: paths.slice(0, -1) };
  });
}

function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

/** `.dockerignore` patterns as regular expressions over context-relative paths. */
function dockerignoreMatchers(): RegExp[] {
  return readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
    .map((pattern) => {
      // `**/` matches any number of directories; `*` and `?` stay within one path segment.
      const source = posix
        .normalize(pattern)
        .split('**/')
        .map((part) =>
          part
            .replace(/[.+^$()|[\]{}]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('(?:.*/)?');
      // A matched directory excludes everything under it.
      return new RegExp(`^${source}(?:/.*)?$`);
    });
}

function ignored(path: string, matchers: readonly RegExp[]): boolean {
  return matchers.some((matcher) => matcher.test(path));
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('infra/docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services;

  it('runs PostgreSQL, both Redis instances, Prometheus, Grafana and the three apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'controller',
        'grafana',
        'postgres',
        'prometheus',
        'redis-cache',
        'redis-queue',
        'workers',
      ].sort(),
    );
  });

  it('builds every app from an existing context and Dockerfile of its own', () => {
    for (const app of APPS) {
      const build = buildOf(services[app] ?? {});
      expect(build).toBeDefined();
      const context = resolve(INFRA, build?.context ?? '');
      expect(statSync(context).isDirectory()).toBe(true);
      expect(existsSync(join(context, 'pnpm-lock.yaml'))).toBe(true);
      expect(dockerfilePathOf(services[app] ?? {})).toBe(
        join(INFRA, 'docker', `${app}.Dockerfile`),
      );
      expect(existsSync(dockerfilePathOf(services[app] ?? {}))).toBe(true);
    }
  });

  it('mounts only host paths that exist (or that another part of infra/ provides) and declared volumes', () => {
    const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of Object.entries(services)) {
      for (const mount of (service.volumes ?? []).map(parseVolume)) {
        if (!mount.bind) {
          expect({
            service: name,
            volume: mount.source,
            declared: declaredVolumes.has(mount.source),
          }).toEqual({ service: name, volume: mount.source, declared: true });
          continue;
        }
        const host = resolve(INFRA, mount.source);
        const relativeToInfra = posix.normalize(mount.source);
        expect({
          service: name,
          path: mount.source,
          present: existsSync(host) || OTHER_OWNERS_DIRECTORIES.has(relativeToInfra),
        }).toEqual({ service: name, path: mount.source, present: true });
        // Configuration goes in read-only: a container cannot rewrite the repository.
        expect({ service: name, path: mount.source, mode: mount.mode }).toEqual({
          service: name,
          path: mount.source,
          mode: 'ro',
        });
      }
    }
  });

  it('gives BullMQ a noeviction Redis and idempotency and rate limits another, bounded, noeviction one', () => {
    const queueHost = redisUrlHost(environmentOf(services.workers ?? {}).REDIS_URL ?? '');
    const queue = services[queueHost];
    expect(queue).toBeDefined();
    expect(maxmemoryPolicy(queue ?? {})).toBe('noeviction');

    for (const app of ['api', 'controller'] as const) {
      const host = redisUrlHost(environmentOf(services[app] ?? {}).REDIS_URL ?? '');
      expect({ app, host }).not.toEqual({ app, host: queueHost });
      const cache = services[host] ?? {};
      // Evicting an in-flight idempotency lease would let a duplicate run: never evict.
      expect(maxmemoryPolicy(cache)).toBe('noeviction');
      expect(commandOf(cache)).toContain('--maxmemory');
    }
  });

  it('publishes each host port once, on the loopback interface only', () => {
    const published = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((spec) => ({ service: name, ...parsePort(spec) })),
    );
    expect(published.length).toBeGreaterThanOrEqual(Object.keys(services).length);
    const hostPorts = published.map((port) => port.hostPort);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    for (const port of published)
      expect({ service: port.service, hostIp: port.hostIp }).toEqual({
        service: port.service,
        hostIp: '127.0.0.1',
      });
  });

  it('depends only on services that exist, and waits for health only where a health check is defined', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependencies(service))) {
        expect({ service: name, dependency, exists: dependency in services }).toEqual({
          service: name,
          dependency,
          exists: true,
        });
        if (condition !== 'service_healthy') continue;
        const target = services[dependency] ?? {};
        const checked =
          (target.healthcheck !== undefined && target.healthcheck.disable !== true) ||
          (target.build !== undefined &&
            instructionsOf(
              finalStage(parseDockerfile(readFileSync(dockerfilePathOf(target), 'utf8'))),
              'HEALTHCHECK',
            ).length > 0);
        expect({ service: name, dependency, checked }).toEqual({
          service: name,
          dependency,
          checked: true,
        });
      }
    }
    // The apps start after their database and Redis are ready, not merely started.
    for (const app of APPS) {
      const conditions = dependencies(services[app] ?? {});
      expect(conditions.postgres).toBe('service_healthy');
    }
  });

  it('pins every image to a tag other than latest', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image === undefined) continue;
      const tag = imageTag(interpolate(service.image));
      expect({ service: name, tag }).toEqual({ service: name, tag: expect.any(String) as string });
      expect({ service: name, tag }).not.toEqual({ service: name, tag: 'latest' });
    }
  });

  it('contains no secret but the marked local-development password', () => {
    const secretName = /PASSWORD|SECRET|TOKEN|API_KEY/;
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        const raw = value === null ? '' : String(value);
        if (secretName.test(variable)) {
          // Either the development password or taken from the operator's shell (empty by default).
          const allowed = raw === DEVELOPMENT_PASSWORD || /^\$\{[A-Z_]+:-\}$/.test(raw);
          expect({ service: name, variable, allowed }).toEqual({
            service: name,
            variable,
            allowed: true,
          });
        }
        for (const match of raw.matchAll(/\/\/[^:/@]+:([^@]+)@/g))
          expect({ service: name, variable, password: match[1] }).toEqual({
            service: name,
            variable,
            password: DEVELOPMENT_PASSWORD,
          });
      }
    }
    expect(readFileSync(COMPOSE_FILE, 'utf8')).toMatch(/local-development password/i);
  });

  it('lets the controller call workers over HTTP inside the compose network only', () => {
    const env = environmentOf(services.controller ?? {});
    const subnets = Object.values(compose.networks ?? {}).flatMap((network) =>
      (network?.ipam?.config ?? []).map((config) => interpolate(config.subnet ?? '')),
    );
    expect(subnets).toHaveLength(1);
    expect(env.CONTROLLER_WORKER_ALLOWED_CIDRS).toBe(subnets[0]);
    expect(env.CONTROLLER_WORKER_URL_SCHEMES?.split(',')).toContain('http');
    // A private /16 or narrower: never the whole private space, never a public range.
    expect(subnets[0]).toMatch(
      /^(10|172\.(1[6-9]|2\d|3[01])|192\.168)\.[\d.]+\/(1[6-9]|2\d|3[0-2])$/,
    );
  });

  it('starts the API and the controller with an environment their configuration accepts', () => {
    const apiEnv = {
      ...environmentOfStage(finalStage(loadDockerfile('api'))),
      ...environmentOf(services.api ?? {}),
    };
    const api = loadApiConfig(apiEnv);
    expect(api.NODE_ENV).toBe('production');
    expect(api.PORT).toBe(8000);
    expect(api.DATABASE_URL).toMatch(/@postgres:5432\//);

    const controllerEnv = {
      ...environmentOfStage(finalStage(loadDockerfile('controller'))),
      ...environmentOf(services.controller ?? {}),
    };
    const controller = loadControllerConfig(controllerEnv);
    expect(controller.PORT).toBe(9000);
    expect(controller.identitySource).toBe('none');
    // The SLO directory the controller reads is the one compose mounts.
    const mounts = (services.controller?.volumes ?? []).map(parseVolume);
    const sloMount = mounts.find((mount) => mount.target === controller.CONTROLLER_SLO_DIR);
    expect(sloMount).toBeDefined();
    expect(existsSync(resolve(INFRA, sloMount?.source ?? '/nonexistent'))).toBe(true);
  });

  it('puts every service on the stack’s one network and keeps the apps’ filesystems read-only', () => {
    const declared = Object.keys(compose.networks ?? {});
    expect(declared).toHaveLength(1);
    for (const [name, service] of Object.entries(services))
      expect({ service: name, networks: networkNames(service) }).toEqual({
        service: name,
        networks: declared,
      });
    for (const app of APPS)
      expect({ app, readOnly: services[app]?.read_only }).toEqual({ app, readOnly: true });
  });
});

describe('infra/prometheus/prometheus.yml', () => {
  interface ScrapeConfig {
    readonly job_name: string;
    readonly metrics_path?: string;
    readonly static_configs?: readonly { readonly targets: readonly string[] }[];
  }
  const config = parseYaml(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as {
    readonly rule_files?: readonly string[];
    readonly scrape_configs: readonly ScrapeConfig[];
  };
  const services = loadCompose().services;

  it('is a configuration promtool accepts', async () => {
    const { promtool } = prometheusBinaries();
    const result = await new Promise<{ code: number; output: string }>((done) => {
      execFile(
        promtool,
        ['check', 'config', '--syntax-only', PROMETHEUS_CONFIG],
        (error, stdout, stderr) =>
          done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') as string });
  });

  it('scrapes /metrics of each app as job api, controller and workers, on the port the app listens on', () => {
    for (const app of APPS) {
      const job = config.scrape_configs.find((scrape) => scrape.job_name === app);
      expect(job).toBeDefined();
      expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
      const targets = (job?.static_configs ?? []).flatMap((c) => c.targets);
      expect(targets).toHaveLength(1);
      const [host, port] = (targets[0] ?? '').split(':');
      expect(host).toBe(app);
      const listening = environmentOfStage(finalStage(loadDockerfile(app))).PORT;
      expect({ app, port }).toEqual({ app, port: listening });
      const containerPorts = (services[app]?.ports ?? []).map((spec) =>
        String(parsePort(spec).containerPort),
      );
      expect(containerPorts).toContain(port);
    }
  });

  it('loads the rules from the directory compose mounts beside it', () => {
    const prometheus = services.prometheus ?? {};
    const mounts = (prometheus.volumes ?? []).map(parseVolume);
    const configMount = mounts.find((mount) => resolve(INFRA, mount.source) === PROMETHEUS_CONFIG);
    expect(configMount).toBeDefined();
    expect(commandOf(prometheus)).toContain(`--config.file=${configMount?.target ?? ''}`);
    const containerConfigDir = posix.dirname(configMount?.target ?? '');
    expect(config.rule_files?.length).toBeGreaterThan(0);
    for (const pattern of config.rule_files ?? []) {
      const inContainer = posix.resolve(containerConfigDir, posix.dirname(pattern));
      const rulesMount = mounts.find((mount) => mount.target === inContainer);
      expect({ pattern, mounted: rulesMount !== undefined }).toEqual({ pattern, mounted: true });
      // The same relative path works for promtool run on the repository.
      expect(resolve(INFRA, rulesMount?.source ?? '')).toBe(
        resolve(dirname(PROMETHEUS_CONFIG), posix.dirname(pattern)),
      );
    }
  });
});

describe.each(APPS)('infra/docker/%s.Dockerfile', (app) => {
  const dockerfile = loadDockerfile(app);
  const runtime = finalStage(dockerfile);
  const compose = loadCompose();

  it('builds in one stage and runs in a fresh one', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    // The runtime stage starts from the base image, not from a stage that holds the build.
    const stageNames = new Set(dockerfile.stages.map((stage) => stage.name));
    expect(stageNames.has(runtime.from)).toBe(false);
  });

  it('pins its base image to a tag other than latest', () => {
    for (const stage of dockerfile.stages) {
      if (dockerfile.stages.some((other) => other.name === stage.from)) continue;
      const image = imageOf(dockerfile, stage);
      expect(imageTag(image)).toEqual(expect.any(String));
      expect(imageTag(image)).not.toBe('latest');
      expect(image).toMatch(/^node:20[.-]/);
    }
  });

  it('runs as a non-root user with a numeric id, so Kubernetes can verify runAsNonRoot', () => {
    const users = instructionsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const [uid, gid] = (users.at(-1) ?? '').split(':');
    expect(uid).toBe('10001');
    expect(gid).toBe('10001');
  });

  it('checks its health with node against the port it exposes and listens on', () => {
    const healthchecks = instructionsOf(runtime, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    const check = healthchecks[0] ?? '';
    expect(check).toMatch(/CMD \["node",/);
    expect(check).not.toMatch(/curl|wget/);
    const env = environmentOfStage(runtime);
    expect(env.NODE_ENV).toBe('production');
    expect(instructionsOf(runtime, 'EXPOSE')).toEqual([env.PORT]);
    expect(check).toContain(`"${env.PORT ?? ''}"]`);
    const service = compose.services[app] ?? {};
    expect((service.ports ?? []).map((spec) => String(parsePort(spec).containerPort))).toContain(
      env.PORT,
    );
  });

  it('copies only the deployed app and named files into the runtime stage, never the whole context', () => {
    for (const copy of copies(runtime)) {
      if (copy.fromStage) {
        expect(copy.sources).toEqual(['/out']);
        continue;
      }
      for (const source of copy.sources) {
        expect(source).not.toMatch(/^\.\/?$|^\*|^\/$/);
        expect(existsSync(join(ROOT, source))).toBe(true);
      }
    }
  });

  it('deploys the package of apps/' + app + ' with production dependencies only', () => {
    const build = dockerfile.stages.find((stage) =>
      instructionsOf(stage, 'RUN').some((run) => run.includes(' deploy ')),
    );
    const deploy = instructionsOf(build ?? runtime, 'RUN').find((run) => run.includes(' deploy '));
    expect(deploy).toBeDefined();
    expect(deploy).toContain('--prod');
    expect(deploy).toContain('inject-workspace-packages=true');
    expect(
      instructionsOf(build ?? runtime, 'RUN').some((run) =>
        /pnpm install --frozen-lockfile/.test(run),
      ),
    ).toBe(true);
    const filter = /--filter (\S+)/.exec(deploy ?? '')?.[1];
    const manifest = join(ROOT, 'apps', app, 'package.json');
    if (existsSync(manifest)) {
      expect(filter).toBe((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name);
    } else {
      // Only the workers app is still to come (issue 7); it follows the naming of the others.
      expect({ app, filter }).toEqual({ app: 'workers', filter: '@slo-engine/workers' });
    }
  });

  it('sends nothing its COPY instructions need to .dockerignore', () => {
    const matchers = dockerignoreMatchers();
    const sources = dockerfile.stages.flatMap((stage) =>
      copies(stage)
        .filter((copy) => !copy.fromStage)
        .flatMap((copy) => copy.sources)
        .filter((source) => source !== '.'),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, ignored: ignored(posix.normalize(source), matchers) }).toEqual({
        source,
        ignored: false,
      });
    }
  });
});

describe('.dockerignore', () => {
  const matchers = dockerignoreMatchers();

  it('keeps host builds, installs, local state and secrets out of the build context', () => {
    for (const path of [
      'node_modules/jest/package.json',
      'packages/core/node_modules/x',
      'apps/api/dist/main.js',
      'packages/core/dist/index.js',
      '.git/HEAD',
      '.data/postgres/PG_VERSION',
      'bench/results/run.json',
      'test-results/metrics.yml',
      'coverage/lcov.info',
      'debug.log',
      'apps/api/server.log',
      '.env',
      '.env.local',
    ])
      expect({ path, ignored: ignored(path, matchers) }).toEqual({ path, ignored: true });
  });

  it('keeps what the build needs: sources, manifests, the lockfile and pnpm settings', () => {
    for (const path of [
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.npmrc',
      'package.json',
      'tsconfig.build.json',
      'apps/api/src/main.ts',
      'packages/slo-schema/examples/slos/classify_email.yml',
      'infra/docker/healthcheck.cjs',
    ])
      expect({ path, ignored: ignored(path, matchers) }).toEqual({ path, ignored: false });
  });
});

describe('infra/docker/healthcheck.cjs', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/health' ? 200 : 503;
      response.end();
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((closed) => server.close(closed));
  });

  /** Runs the script as the image does, with an environment of our choosing. */
  function probe(
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): Promise<number> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [HEALTHCHECK_SCRIPT, ...args],
        { env: { PATH: process.env.PATH ?? '', ...env } },
        (error) => done(error ? Number(error.code ?? 1) : 0),
      );
    });
  }

  it('exits 0 when the path answers 2xx on the default port', async () => {
    await expect(probe(['/health', String(port)])).resolves.toBe(0);
  });

  it('exits 1 when the path answers an error status', async () => {
    await expect(probe(['/health/ready', String(port)])).resolves.toBe(1);
  });

  it('prefers PORT from the environment over the default, as the apps do', async () => {
    await expect(probe(['/health', '1'], { PORT: String(port) })).resolves.toBe(0);
  });

  it('exits 1 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    await expect(probe(['/health', String(freePort)])).resolves.toBe(1);
  });

  it('speaks TLS when the app serves HTTPS (TLS_CERT_FILE set), so plain HTTP fails against it', async () => {
    // Against a plain-HTTP server an HTTPS probe cannot complete the handshake.
    await expect(
      probe(['/health', String(port)], { TLS_CERT_FILE: '/run/secrets/cert.pem' }),
    ).resolves.toBe(1);
  });
});
