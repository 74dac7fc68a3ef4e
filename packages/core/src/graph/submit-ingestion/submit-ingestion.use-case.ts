import { type Clock } from '../../shared/clock.port';
import { type FieldError } from '../../shared/domain-error';
import { type IngestionQueue, type IngestionRepository } from '../graph.ports';
import { type GraphSubmission } from '../graph.types';
import { throwIfInvalid } from '../input-validation';
import { type SubmitIngestionInput, type SubmitIngestionOutput } from './submit-ingestion.types';

/** Rows (nodes + edges) one processor stores per second, with headroom for a loaded server. */
export const ESTIMATED_ROWS_PER_SECOND = 25_000;
/** More field errors than this are summarised in one last entry, so a broken 50k-edge file stays readable. */
export const MAX_REPORTED_FIELD_ERRORS = 100;
const MAX_SERVICE_ID_LENGTH = 255;

/**
 * Seconds until an ingestion is probably done: 1 s of fixed cost (queue pick-up, SCC, commit) plus
 * one second per {@link ESTIMATED_ROWS_PER_SECOND} rows, rounded up. 5,000 services + 50,000 edges
 * → 4 s; a 570-row submission → 2 s. Queue wait is not included.
 */
export function estimateCompletionSeconds(nodes: number, edges: number): number {
  return Math.ceil(1 + (nodes + edges) / ESTIMATED_ROWS_PER_SECOND);
}

/**
 * Accepts a dependency graph submission (POST /api/v1/services/dependencies): applies the domain
 * rules the transport cannot check, stores the ingestion (with its submission when the queue feeds
 * another process) and queues it.
 */
export class SubmitIngestionUseCase {
  constructor(
    private readonly ingestions: IngestionRepository,
    private readonly queue: IngestionQueue,
    private readonly clock: Clock,
  ) {}

  async execute(input: SubmitIngestionInput): Promise<SubmitIngestionOutput> {
    throwIfInvalid(submissionErrors(input), 'The dependency graph submission');
    const submittedAt = this.clock.now();
    const submission: GraphSubmission = {
      source: input.source,
      observedAt: input.observedAt ?? submittedAt,
      nodes: input.nodes,
      edges: input.edges,
    };
    const ingestion = await this.ingestions.create({
      source: submission.source,
      nodesReceived: submission.nodes.length,
      edgesReceived: submission.edges.length,
      submittedAt,
      // A queue in this process carries the submission itself; storing it would be dead weight.
      ...(this.queue.deliversSubmission ? {} : { submission }),
    });
    try {
      await this.queue.enqueue(ingestion.id, submission);
    } catch (error) {
      // Without this the ingestion would stay `queued` forever with nobody to process it.
      await this.ingestions.fail(
        ingestion.id,
        'The ingestion could not be queued for processing; nothing was changed. Submit it again.',
        this.clock.now(),
      );
      throw error;
    }
    return {
      ingestionId: ingestion.id,
      status: ingestion.status,
      nodesReceived: ingestion.nodesReceived,
      edgesReceived: ingestion.edgesReceived,
      estimatedCompletionSeconds: estimateCompletionSeconds(
        ingestion.nodesReceived,
        ingestion.edgesReceived,
      ),
    };
  }
}

/** Field paths use the wire names (`nodes[3].service_id`), which is what the client sent. */
function submissionErrors(input: SubmitIngestionInput): FieldError[] {
  const errors: FieldError[] = [];
  const checkId = (id: string, field: string): void => {
    // Characters are code points, as PostgreSQL's varchar(255) counts them; UTF-16 units overcount
    // emoji and other astral characters, so count code points only when the quick bound fails.
    const length = id.length <= MAX_SERVICE_ID_LENGTH ? id.length : [...id].length;
    if (length < 1 || length > MAX_SERVICE_ID_LENGTH) {
      errors.push({ field, message: `must be 1 to ${MAX_SERVICE_ID_LENGTH} characters long` });
    }
  };

  const firstNodeIndex = new Map<string, number>();
  input.nodes.forEach((node, index) => {
    const field = `nodes[${index}].service_id`;
    checkId(node.serviceId, field);
    const first = firstNodeIndex.get(node.serviceId);
    if (first === undefined) {
      firstNodeIndex.set(node.serviceId, index);
    } else {
      errors.push({
        field,
        message: `duplicates nodes[${first}].service_id (${JSON.stringify(node.serviceId)}); list each service once per submission`,
      });
    }
  });

  const firstEdgeIndex = new Map<string, number>();
  input.edges.forEach((edge, index) => {
    checkId(edge.source, `edges[${index}].source`);
    checkId(edge.target, `edges[${index}].target`);
    if (edge.source === edge.target) {
      errors.push({
        field: `edges[${index}].target`,
        message: `equals the source (${JSON.stringify(edge.source)}): a service calling itself is not a dependency`,
      });
    } else {
      const key = `${edge.source}\u0000${edge.target}`;
      const first = firstEdgeIndex.get(key);
      if (first === undefined) {
        firstEdgeIndex.set(key, index);
      } else {
        errors.push({
          field: `edges[${index}]`,
          message: `duplicates edges[${first}] (${edge.source} → ${edge.target}); send each dependency once per submission`,
        });
      }
    }
    const confidence = edge.confidenceScore;
    if (confidence !== undefined && !(confidence >= 0 && confidence <= 1)) {
      errors.push({
        field: `edges[${index}].confidence_score`,
        message: `must be a number from 0 to 1, got ${String(confidence)}`,
      });
    }
  });

  if (errors.length <= MAX_REPORTED_FIELD_ERRORS) return errors;
  return [
    ...errors.slice(0, MAX_REPORTED_FIELD_ERRORS),
    {
      field: 'submission',
      message: `${errors.length - MAX_REPORTED_FIELD_ERRORS} more problems not listed`,
    },
  ];
}
