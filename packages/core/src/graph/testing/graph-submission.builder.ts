import {
  type DiscoverySource,
  type EdgeAttributes,
  type GraphSubmission,
  type ServiceMetadata,
} from '../graph.types';

/** An edge as `[source, target]`, optionally with attributes and a confidence score. */
export type EdgeSpec =
  | readonly [source: string, target: string]
  | readonly [
      source: string,
      target: string,
      attributes: Partial<EdgeAttributes>,
      confidenceScore?: number,
    ];

/** A node as its id, or its id with metadata. */
export type NodeSpec = string | readonly [serviceId: string, metadata: ServiceMetadata];

/** Terse submissions for tests: `graphSubmission('manual', { edges: [['a', 'b']] })`. */
export function graphSubmission(
  source: DiscoverySource,
  spec: {
    readonly nodes?: readonly NodeSpec[];
    readonly edges?: readonly EdgeSpec[];
    readonly observedAt?: Date;
  },
): GraphSubmission {
  return {
    source,
    observedAt: spec.observedAt ?? new Date('2026-02-14T10:00:00.000Z'),
    nodes: (spec.nodes ?? []).map((node) =>
      typeof node === 'string'
        ? { serviceId: node, metadata: {} }
        : { serviceId: node[0], metadata: node[1] },
    ),
    edges: (spec.edges ?? []).map(([edgeSource, target, attributes, confidenceScore]) => ({
      source: edgeSource,
      target,
      attributes: attributes ?? {},
      ...(confidenceScore === undefined ? {} : { confidenceScore }),
    })),
  };
}
