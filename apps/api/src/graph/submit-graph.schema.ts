/**
 * The contract of POST /api/v1/services/dependencies as one JSON Schema: compiled by ajv to
 * validate requests (a graph of 50,000 edges validates in milliseconds, where class-validator
 * took over a second) and published as the request body in the OpenAPI document. Written in the
 * subset that is valid both for ajv and for OpenAPI 3.0 (`nullable` instead of type `null`).
 */
import {
  COMMUNICATION_MODES,
  DISCOVERY_SOURCES,
  EDGE_CRITICALITIES,
  SERVICE_CRITICALITIES,
  SERVICE_TYPES,
} from '@slo-engine/core';

/** Largest graph one request may carry; bigger fleets submit in parts (partial submissions merge). */
export const MAX_NODES_PER_SUBMISSION = 20_000;
export const MAX_EDGES_PER_SUBMISSION = 200_000;
export const MAX_EXTRA_METADATA_KEYS = 50;
const ID = { type: 'string', minLength: 1, maxLength: 255 } as const;

const METADATA_SCHEMA = {
  type: 'object',
  description:
    'Known keys are validated; up to 50 other keys are kept verbatim if their value is a string (≤1024 characters), a number, a boolean or null.',
  properties: {
    team: { ...ID, example: 'payments' },
    criticality: { type: 'string', enum: [...SERVICE_CRITICALITIES], default: 'medium' },
    tier: { type: 'integer', minimum: 0, maximum: 10, example: 1 },
    namespace: { ...ID, example: 'production' },
    runtime: { ...ID, example: 'python3.12' },
    service_type: {
      type: 'string',
      enum: [...SERVICE_TYPES],
      default: 'internal',
      description:
        '`external` marks a third-party API; its availability comes from monitoring or its published SLA.',
    },
    published_sla: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      example: 0.9999,
      description: 'Published SLA of an external service, as a ratio.',
    },
  },
  additionalProperties: {
    anyOf: [
      { type: 'string', maxLength: 1024, nullable: true },
      { type: 'number' },
      { type: 'boolean' },
    ],
  },
  maxProperties: 7 + MAX_EXTRA_METADATA_KEYS,
} as const;

const ATTRIBUTES_SCHEMA = {
  type: 'object',
  properties: {
    communication_mode: { type: 'string', enum: [...COMMUNICATION_MODES], default: 'sync' },
    criticality: {
      type: 'string',
      enum: [...EDGE_CRITICALITIES],
      default: 'hard',
      description:
        'hard: failures propagate; soft/degraded: the caller degrades (left out of composite availability).',
    },
    protocol: { type: 'string', minLength: 1, maxLength: 50, example: 'grpc' },
    timeout_ms: { type: 'integer', minimum: 1, maximum: 3_600_000, example: 5000 },
    retry_config: {
      type: 'object',
      properties: {
        max_retries: { type: 'integer', minimum: 0, maximum: 100, example: 3 },
        backoff_strategy: { type: 'string', minLength: 1, maxLength: 50, example: 'exponential' },
      },
      additionalProperties: false,
    },
    redundancy_group: {
      ...ID,
      example: 'orders-db-replicas',
      description:
        'Edges from one caller with the same redundancy group are redundant replicas: the call succeeds if any of them is up (one parallel factor 1 − Π(1 − R) in composite availability).',
    },
  },
  additionalProperties: false,
} as const;

export const SUBMIT_GRAPH_SCHEMA = {
  type: 'object',
  required: ['source', 'nodes', 'edges'],
  properties: {
    source: { type: 'string', enum: [...DISCOVERY_SOURCES], example: 'manual' },
    timestamp: {
      type: 'string',
      format: 'date-time',
      example: '2026-02-14T10:00:00Z',
      description: 'When the source observed this graph (RFC 3339); default: now.',
    },
    nodes: {
      type: 'array',
      maxItems: MAX_NODES_PER_SUBMISSION,
      items: {
        type: 'object',
        required: ['service_id'],
        properties: {
          service_id: { ...ID, example: 'checkout-service' },
          metadata: METADATA_SCHEMA,
        },
        additionalProperties: false,
      },
    },
    edges: {
      type: 'array',
      maxItems: MAX_EDGES_PER_SUBMISSION,
      items: {
        type: 'object',
        required: ['source', 'target'],
        properties: {
          source: { ...ID, example: 'checkout-service', description: 'The caller.' },
          target: { ...ID, example: 'payment-service', description: 'The callee.' },
          attributes: ATTRIBUTES_SCHEMA,
          confidence_score: {
            type: 'number',
            minimum: 0,
            maximum: 1,
            example: 0.95,
            description: 'How sure the source is that the call exists; default 1.',
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export type DiscoverySourceName = (typeof DISCOVERY_SOURCES)[number];

/** The body once it passed {@link SUBMIT_GRAPH_SCHEMA}. */
export interface SubmitGraphBody {
  readonly source: DiscoverySourceName;
  readonly timestamp?: string;
  readonly nodes: ReadonlyArray<{
    readonly service_id: string;
    readonly metadata?: Record<string, unknown>;
  }>;
  readonly edges: ReadonlyArray<{
    readonly source: string;
    readonly target: string;
    readonly attributes?: {
      readonly communication_mode?: (typeof COMMUNICATION_MODES)[number];
      readonly criticality?: (typeof EDGE_CRITICALITIES)[number];
      readonly protocol?: string;
      readonly timeout_ms?: number;
      readonly retry_config?: { readonly max_retries?: number; readonly backoff_strategy?: string };
      readonly redundancy_group?: string;
    };
    readonly confidence_score?: number;
  }>;
}
