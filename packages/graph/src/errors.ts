/** Stable machine-readable codes of every error this package throws. */
export type GraphErrorCode =
  'GRAPH.INVALID_ARGUMENT' | 'GRAPH.UNKNOWN_NODE' | 'GRAPH.INDEX_OUT_OF_RANGE' | 'GRAPH.NOT_A_DAG';

/**
 * The only error class this package throws. Branch on `code`, never on the message text.
 * `cycle` is set for `GRAPH.NOT_A_DAG`: one concrete cycle, first id repeated at the end.
 */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  readonly code: GraphErrorCode;
  readonly cycle: readonly string[] | undefined;

  constructor(code: GraphErrorCode, message: string, options?: { cycle?: readonly string[] }) {
    super(`@slo-engine/graph: ${message}`);
    this.code = code;
    this.cycle = options?.cycle;
  }
}

/** Renders a value for an error message without dumping huge or exotic objects. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}
