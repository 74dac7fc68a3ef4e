import { Injectable, type PipeTransform } from '@nestjs/common';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { type FieldError } from '@slo-engine/core';
import { RequestValidationException } from '@slo-engine/platform';
import { WIRE_METADATA_KEY_BY_CORE } from './metadata-keys';
import {
  MAX_EXTRA_METADATA_KEYS,
  SUBMIT_GRAPH_SCHEMA,
  type SubmitGraphBody,
} from './submit-graph.schema';

/** At most this many problems are reported for one body; a wholly wrong payload would list thousands. */
const MAX_REPORTED_ERRORS = 100;

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });
addFormats(ajv, ['date-time']);
ajv.addKeyword('example');
const validateSubmission = ajv.compile<SubmitGraphBody>(SUBMIT_GRAPH_SCHEMA);

/** `/edges/3/attributes/timeout_ms` → `edges[3].attributes.timeout_ms`. */
export function fieldPath(instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  return segments
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment) =>
        /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment,
      '',
    );
}

function toFieldError(error: ErrorObject): FieldError {
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { field: fieldPath(error.instancePath, missing), message: 'is required' };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return { field: fieldPath(error.instancePath, extra), message: 'is not an allowed property' };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return {
        field: fieldPath(error.instancePath) || '(body)',
        message: `must be one of: ${allowed.join(', ')}`,
      };
    }
    case 'anyOf':
      return {
        field: fieldPath(error.instancePath),
        message: 'must be a string of at most 1024 characters, a number, a boolean or null',
      };
    default:
      return {
        field: fieldPath(error.instancePath) || '(body)',
        message: error.message ?? 'is invalid',
      };
  }
}

/** Metadata keys the schema names and validates; any other key is an extra, kept verbatim. */
const KNOWN_METADATA_KEYS: ReadonlySet<string> = new Set(
  Object.keys(SUBMIT_GRAPH_SCHEMA.properties.nodes.items.properties.metadata.properties),
);

/**
 * What the schema cannot say about metadata: at most 50 extra keys (its `maxProperties` counts
 * the known keys too), and no extra key spelled like core's camelCase name of a known one
 * (`serviceType` would skip the `service_type` checks and then override it).
 */
function metadataErrors(body: SubmitGraphBody): FieldError[] {
  const errors: FieldError[] = [];
  body.nodes.forEach((node, index) => {
    if (node.metadata === undefined) return;
    let extra = 0;
    for (const key of Object.keys(node.metadata)) {
      if (KNOWN_METADATA_KEYS.has(key)) continue;
      extra += 1;
      const wire = WIRE_METADATA_KEY_BY_CORE.get(key);
      if (wire !== undefined) {
        errors.push({
          field: fieldPath(`/nodes/${index}/metadata`, key),
          message: `is not an allowed property; write ${wire}`,
        });
      }
    }
    if (extra > MAX_EXTRA_METADATA_KEYS) {
      errors.push({
        field: fieldPath(`/nodes/${index}/metadata`),
        message: `must have at most ${MAX_EXTRA_METADATA_KEYS} keys besides the known ones, got ${extra}`,
      });
    }
  });
  return errors.slice(0, MAX_REPORTED_ERRORS);
}

/**
 * Validates the graph submission against its JSON Schema and answers 400 with every problem
 * (`errors[]` naming each field) before anything is stored.
 */
@Injectable()
export class SubmitGraphPipe implements PipeTransform<unknown, SubmitGraphBody> {
  transform(value: unknown): SubmitGraphBody {
    if (validateSubmission(value)) {
      const metadataProblems = metadataErrors(value);
      if (metadataProblems.length === 0) return value;
      throw new RequestValidationException(metadataProblems);
    }
    // anyOf reports each failed branch too; keep the one summary per field.
    const errors = (validateSubmission.errors ?? []).filter(
      (e) => !e.schemaPath.includes('/additionalProperties/anyOf/'),
    );
    const unique = new Map<string, FieldError>();
    for (const error of errors) {
      const fieldError = toFieldError(error);
      unique.set(`${fieldError.field}\u0000${fieldError.message}`, fieldError);
      if (unique.size >= MAX_REPORTED_ERRORS) break;
    }
    throw new RequestValidationException([...unique.values()]);
  }
}
