/**
 * OpenAPI schema of `POST /register` (spec 002's extended capability schema). The request is
 * validated by `@slo-engine/registry`'s validateRegistration, which reports every field by path;
 * this document only describes it.
 */
import { type ApiBodyOptions } from '@nestjs/swagger';

type SchemaObject = Exclude<
  Extract<ApiBodyOptions, { schema: unknown }>['schema'],
  { $ref: string }
>;

const number: SchemaObject = { type: 'number' };
export const REGISTRATION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['worker_id', 'worker_url', 'capabilities'],
  additionalProperties: false,
  properties: {
    worker_id: { type: 'string', maxLength: 256, example: 'worker-doc-1' },
    worker_url: { type: 'string', format: 'uri', example: 'https://worker-doc-1.local:8501' },
    capabilities: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: [
          'verb',
          'name',
          'version',
          'input_schema',
          'output_schema',
          'requires_gpu',
          'max_concurrency',
        ],
        additionalProperties: false,
        properties: {
          verb: { type: 'string', example: 'convert' },
          name: { type: 'string', example: 'convert_document_to_pdf' },
          version: { type: 'string', example: '1.0.0' },
          input_schema: { type: 'object' },
          output_schema: { type: 'object' },
          requires_gpu: { type: 'boolean' },
          max_concurrency: { type: 'integer', minimum: 1 },
          runtime: { type: 'string', example: 'node' },
          env_profile: { type: 'string', example: 'node-standard' },
          constraints: { type: 'object', example: { timeout_sec: 10 } },
          slo: {
            type: 'object',
            properties: {
              latency_p50_ms: number,
              latency_p95_ms: number,
              latency_p99_ms: number,
              availability: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 },
              error_budget_pct: number,
            },
          },
          spiffe_id: { type: 'string', example: 'spiffe://example.org/worker/doc' },
          required_capabilities: { type: 'array', items: { type: 'string' } },
          cost_tokens_per_invocation: { type: 'number', minimum: 0 },
          slo_bid: { type: 'object', properties: { latency_ms: number, budget_tokens: number } },
          controller_affinity: { type: 'string' },
        },
      },
    },
  },
};
