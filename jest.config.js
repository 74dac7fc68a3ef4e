// One command runs every package's and app's tests: `pnpm test`.
const fs = require('node:fs');
const path = require('node:path');

const projects = ['packages', 'apps']
  .flatMap((group) =>
    fs.existsSync(path.join(__dirname, group))
      ? fs.readdirSync(path.join(__dirname, group)).map((name) => path.join(__dirname, group, name))
      : [],
  )
  // infra/ holds the tests of the deployment artefacts (Prometheus rules, dashboards).
  .concat([path.join(__dirname, 'infra')])
  .filter((dir) => fs.existsSync(path.join(dir, 'jest.config.js')));

module.exports = {
  projects,
  // Each project's globalSetup is ignored under `projects`, so the root declares it once.
  globalSetup: './packages/testing/src/jest-global-setup.ts',
  globalTeardown: './packages/testing/src/jest-global-teardown.ts',
};
