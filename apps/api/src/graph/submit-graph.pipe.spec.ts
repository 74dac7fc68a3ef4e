import { RequestValidationException } from '@slo-engine/platform';
import { SubmitGraphPipe, fieldPath } from './submit-graph.pipe';

const pipe = new SubmitGraphPipe();

function fieldErrors(body: unknown): Array<{ field: string; message: string }> {
  try {
    pipe.transform(body);
  } catch (error) {
    if (error instanceof RequestValidationException) return [...error.fieldErrors];
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

const valid = {
  source: 'manual',
  nodes: [{ service_id: 'a', metadata: { team: 'x', owner_slack: '#a', on_call: true } }],
  edges: [
    {
      source: 'a',
      target: 'b',
      attributes: { criticality: 'soft', retry_config: { max_retries: 2 } },
    },
  ],
};

describe('SubmitGraphPipe', () => {
  it('passes a valid body through unchanged, extra primitive metadata included', () => {
    expect(pipe.transform(valid)).toBe(valid);
  });

  it('names every invalid field with its path', () => {
    const errors = fieldErrors({
      source: 'carrier-pigeon',
      timestamp: 'yesterday',
      nodes: [{ service_id: '' }, { metadata: { tier: 1.5, nested: { no: 1 } } }],
      edges: [
        {
          source: 'a',
          target: 'b',
          attributes: { timeout_ms: 0, retry_config: { max_retries: -1 } },
          extra: 1,
        },
      ],
      surprise: true,
    });
    expect(errors.map((e) => e.field).sort()).toEqual([
      'edges[0].attributes.retry_config.max_retries',
      'edges[0].attributes.timeout_ms',
      'edges[0].extra',
      'nodes[0].service_id',
      'nodes[1].metadata.nested',
      'nodes[1].metadata.tier',
      'nodes[1].service_id',
      'source',
      'surprise',
      'timestamp',
    ]);
    expect(errors.find((e) => e.field === 'source')?.message).toBe(
      'must be one of: manual, service_mesh, otel_service_graph, kubernetes',
    );
    expect(errors.find((e) => e.field === 'nodes[1].service_id')?.message).toBe('is required');
    expect(errors.find((e) => e.field === 'surprise')?.message).toBe('is not an allowed property');
  });

  it('rejects a body that is not an object', () => {
    expect(fieldErrors([1, 2])).toEqual([{ field: '(body)', message: 'must be object' }]);
  });
});

describe('fieldPath', () => {
  it.each([
    ['', undefined, ''],
    ['/edges/3/target', undefined, 'edges[3].target'],
    ['/nodes/0', 'service_id', 'nodes[0].service_id'],
    ['/nodes/0/metadata/a~1b', undefined, 'nodes[0].metadata.a/b'],
  ])('%s + %s → %s', (instancePath, child, expected) => {
    expect(fieldPath(instancePath, child)).toBe(expected);
  });
});
