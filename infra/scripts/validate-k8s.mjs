#!/usr/bin/env node
// Validates rendered Kubernetes manifests against the Kubernetes (and Prometheus Operator) JSON
// schemas, without a cluster:
//
//   kubectl kustomize infra/k8s/overlays/production | node infra/scripts/validate-k8s.mjs
//   node infra/scripts/validate-k8s.mjs rendered.yaml
//
// Each document is instantiated as the model class of its apiVersion/kind (kubernetes-models,
// @kubernetes-models/prometheus-operator) and validated; the error names the JSON-schema path.
// A kind no model knows is an error, not a skip: a typo in `kind` must not pass unvalidated.
// Exit code 0 when every document is valid, 1 when any is not, 2 when the input is unusable.
//
// ESM because both model packages are ESM-only. Limitation of the schemas: unknown fields are
// accepted (the API server would prune or reject them), so policy checks live in the Jest test.
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Where the model classes of each API group live. The core group ("v1") has no group part. */
const MODEL_PACKAGES = [
  { group: 'monitoring.coreos.com', modulePrefix: '@kubernetes-models/prometheus-operator' },
  { group: '*', modulePrefix: 'kubernetes-models' },
];

/** Kinds are PascalCase identifiers; anything else never reaches a module specifier. */
const KIND_PATTERN = /^[A-Z][A-Za-z0-9]*$/;
const API_VERSION_PATTERN = /^(?:([a-z0-9][a-z0-9.-]*)\/)?(v[0-9]+(?:(?:alpha|beta)[0-9]+)?)$/;

/** @type {Map<string, Promise<Function | undefined>>} */
const modelCache = new Map();

/**
 * The model class for apiVersion/kind, or undefined when none exists.
 * @param {string} apiVersion
 * @param {string} kind
 */
function loadModel(apiVersion, kind) {
  const cacheKey = `${apiVersion}/${kind}`;
  let pending = modelCache.get(cacheKey);
  if (pending === undefined) {
    pending = importModel(apiVersion, kind);
    modelCache.set(cacheKey, pending);
  }
  return pending;
}

/**
 * @param {string} apiVersion
 * @param {string} kind
 * @returns {Promise<Function | undefined>}
 */
async function importModel(apiVersion, kind) {
  const match = API_VERSION_PATTERN.exec(apiVersion);
  if (match === null || !KIND_PATTERN.test(kind)) return undefined;
  const [, group, version] = match;
  const source = MODEL_PACKAGES.find((p) => p.group === group) ?? MODEL_PACKAGES.at(-1);
  const specifier = `${source.modulePrefix}/${group === undefined ? '' : `${group}/`}${version}/${kind}`;
  let module;
  try {
    module = await import(specifier);
  } catch {
    return undefined;
  }
  const model = module[kind];
  // The packages also export nested types (v1/Container, v1/PodSpec) under the same paths; only a
  // class that declares this very apiVersion and kind is a top-level resource.
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind)
    return undefined;
  return model;
}

/**
 * Validates every document of a multi-document YAML text.
 * @param {string} text
 * @returns {Promise<{ results: Array<{ index: number, label: string, problems: string[] }> }>}
 */
export async function validateManifests(text) {
  const results = [];
  const seen = new Map();
  const documents = parseAllDocuments(text);
  for (const [index, document] of documents.entries()) {
    const problems = [];
    let label = `document ${index + 1}`;
    if (document.errors.length > 0) {
      results.push({ index, label, problems: document.errors.map((e) => `YAML: ${e.message}`) });
      continue;
    }
    const value = document.toJS();
    if (value === null || value === undefined) continue; // an empty document between separators
    if (typeof value !== 'object' || Array.isArray(value)) {
      results.push({ index, label, problems: ['is not a mapping'] });
      continue;
    }
    const { apiVersion, kind, metadata } = value;
    const name = metadata?.name;
    label = `${String(kind)} ${metadata?.namespace ? `${metadata.namespace}/` : ''}${String(name)}`;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      results.push({ index, label, problems: ['apiVersion and kind must be strings'] });
      continue;
    }
    if (typeof name !== 'string' || name === '') problems.push('metadata.name is missing');
    const identity = `${apiVersion}/${kind}/${metadata?.namespace ?? ''}/${String(name)}`;
    if (seen.has(identity))
      problems.push(`duplicates document ${seen.get(identity) + 1} (same kind, namespace, name)`);
    else seen.set(identity, index);

    const Model = await loadModel(apiVersion, kind);
    if (Model === undefined) {
      problems.push(`unknown kind: no schema for apiVersion ${apiVersion}, kind ${kind}`);
    } else {
      try {
        new Model(value).validate();
      } catch (error) {
        problems.push(...describeValidationError(error));
      }
    }
    results.push({ index, label, problems });
  }
  return { results };
}

/**
 * One line per schema violation: the JSON-schema path and what is wrong there.
 * @param {unknown} error
 * @returns {string[]}
 */
function describeValidationError(error) {
  // Ajv's ValidationError, as the models throw it: one entry per violation.
  const violations = /** @type {{ errors?: unknown }} */ (error)?.errors;
  if (Array.isArray(violations) && violations.length > 0)
    return violations.map(
      (d) =>
        `${d.instancePath === '' ? '/' : d.instancePath}: ${d.message}${
          d.params?.additionalProperty ? ` (${d.params.additionalProperty})` : ''
        }`,
    );
  return [error instanceof Error ? error.message : String(error)];
}

async function main(argv) {
  const [file] = argv;
  let text;
  try {
    text =
      file === undefined || file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`validate-k8s: cannot read ${file ?? 'stdin'}: ${error.message}\n`);
    return 2;
  }
  const { results } = await validateManifests(text);
  if (results.length === 0) {
    process.stderr.write('validate-k8s: no Kubernetes documents in the input\n');
    return 2;
  }
  let invalid = 0;
  for (const { label, problems } of results) {
    if (problems.length === 0) {
      process.stdout.write(`ok       ${label}\n`);
      continue;
    }
    invalid += 1;
    process.stdout.write(`INVALID  ${label}\n`);
    for (const problem of problems) process.stdout.write(`           ${problem}\n`);
  }
  process.stdout.write(
    `\n${results.length} document(s): ${results.length - invalid} valid, ${invalid} invalid\n`,
  );
  return invalid === 0 ? 0 : 1;
}

// Run as a script, not when imported (e.g. by another script reusing validateManifests).
if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`validate-k8s: ${error?.stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
