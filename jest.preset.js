// Shared Jest settings for every package and app: SWC transform (decorators on for Nest),
// workspace packages resolved to their sources so tests never need a build first.
const path = require('node:path');

const root = __dirname;

// ESM-only packages that CommonJS code requires. Node 20.19+ loads them natively (require(esm)),
// Jest's runtime does not before Node 24.9, so tests compile them to CommonJS with SWC.
const ESM_ONLY_PACKAGES = ['cookie', 'jose'];
const esmOnly = ESM_ONLY_PACKAGES.join('|');

/**
 * @param {string} dir the package directory
 * @param {{ servers?: boolean }} [options] servers: this project's integration tests need the
 *   PostgreSQL/Redis discovery of @slo-engine/testing when it runs on its own.
 */
module.exports = function preset(dir, options = {}) {
  return {
    displayName: path.relative(root, dir),
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: [
      '<rootDir>/**/*.spec.ts',
      '<rootDir>/**/*.int-spec.ts',
      '<rootDir>/**/*.e2e-spec.ts',
    ],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(${esmOnly})/)`],
    transform: {
      '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2022',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            keepClassNames: true,
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      '^@slo-engine/([a-z-]+)$': `${root}/packages/$1/src/index.ts`,
      // Subpath exports (`@slo-engine/slo-schema/files`) live in `src/<subpath>/index.ts`.
      '^@slo-engine/([a-z-]+)/([a-z-]+)$': `${root}/packages/$1/src/$2/index.ts`,
    },
    ...(options.servers
      ? {
          // End-to-end tests against real servers share two cores with every other test file in
          // CI: a 30 s deadline, not a performance check (benchmarks measure speed). Set in a setup
          // file because Jest ignores a project's own `testTimeout` under the root `projects`.
          setupFilesAfterEnv: [`${root}/packages/testing/src/jest-server-timeout.ts`],
          globalSetup: `${root}/packages/testing/src/jest-global-setup.ts`,
          globalTeardown: `${root}/packages/testing/src/jest-global-teardown.ts`,
        }
      : {}),
  };
};
