/**
 * The dependency rule of docs/architecture.md, enforced in CI (`pnpm depcheck`).
 * Domain packages are framework-free libraries that other teams import on their own.
 */
const DOMAIN = '^packages/(reliability|graph|slo-schema|idempotency|drift|registry)/src';
const FRAMEWORKS =
  '(^|/)node_modules/(@nestjs/|typeorm|pg|pg-[^/]+|ioredis|bullmq|prom-client|@opentelemetry/|express|fastify)(/|$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-framework-free',
      comment:
        'Domain packages import no Nest, TypeORM, pg, ioredis, BullMQ, prom-client, OpenTelemetry or HTTP framework.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'domain-does-no-io',
      comment:
        "Domain packages do no I/O of Node's own beyond a command-line entry point (src/cli/) and file loading kept behind its own subpath export (src/files/).",
      severity: 'error',
      from: { path: DOMAIN, pathNot: '/src/(cli|files)/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads)$',
      },
    },
    {
      name: 'domain-depends-on-domain-only',
      comment: 'Domain packages may import each other, never core, adapters, platform or apps.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^(packages/(core|adapters|platform|client|testing|demo)|apps)/' },
    },
    {
      name: 'core-is-framework-free',
      comment:
        'core declares ports; only adapters, platform and apps touch frameworks and drivers.',
      severity: 'error',
      from: { path: '^packages/core/src' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'only-platform-and-apps-import-nest',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/platform/' },
      to: { path: '(^|/)node_modules/@nestjs/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-importing-tests-from-production-code',
      severity: 'error',
      from: { pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$|^bench/|/testing/' },
      to: { path: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
