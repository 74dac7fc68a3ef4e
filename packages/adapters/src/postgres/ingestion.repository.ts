import {
  type DiscoverySource,
  type GraphSubmission,
  type Ingestion,
  type IngestionResult,
  IngestionRepository,
  type IngestionStatus,
  type NewIngestion,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { isUuid, rows } from './sql';

interface IngestionRow {
  readonly id: string;
  readonly source: DiscoverySource;
  readonly status: IngestionStatus;
  readonly nodes_received: number;
  readonly edges_received: number;
  readonly submitted_at: Date;
  readonly started_at: Date | null;
  readonly completed_at: Date | null;
  readonly result: IngestionResult | null;
  readonly error: string | null;
}

const COLUMNS =
  'id, source, status, nodes_received, edges_received, submitted_at, started_at, completed_at, result, error';

/** The stored form of a submission: JSON with `observedAt` as an ISO string. */
type StoredSubmission = Omit<GraphSubmission, 'observedAt'> & { readonly observedAt: string };

function toIngestion(row: IngestionRow): Ingestion {
  return {
    id: row.id,
    source: row.source,
    status: row.status,
    nodesReceived: row.nodes_received,
    edgesReceived: row.edges_received,
    submittedAt: row.submitted_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    result: row.result,
    error: row.error,
  };
}

/**
 * Ingestion jobs in `ingestion_jobs`; a submission given to `create` is kept (as json) until
 * processed.
 */
export class PostgresIngestionRepository extends IngestionRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async create(ingestion: NewIngestion): Promise<Ingestion> {
    const submission = ingestion.submission;
    const stored: StoredSubmission | null = submission
      ? { ...submission, observedAt: submission.observedAt.toISOString() }
      : null;
    const [row] = await rows<IngestionRow>(
      this.manager,
      `INSERT INTO ingestion_jobs (source, nodes_received, edges_received, submitted_at, submission)
       VALUES ($1, $2, $3, $4, $5::json)
       RETURNING ${COLUMNS}`,
      [
        ingestion.source,
        ingestion.nodesReceived,
        ingestion.edgesReceived,
        ingestion.submittedAt,
        stored === null ? null : JSON.stringify(stored),
      ],
    );
    return toIngestion(row);
  }

  override async find(id: string): Promise<Ingestion | null> {
    if (!isUuid(id)) return null;
    const [row] = await rows<IngestionRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM ingestion_jobs WHERE id = $1`,
      [id],
    );
    return row ? toIngestion(row) : null;
  }

  override async loadSubmission(id: string): Promise<GraphSubmission | null> {
    if (!isUuid(id)) return null;
    const [row] = await rows<{ submission: StoredSubmission | null }>(
      this.manager,
      'SELECT submission FROM ingestion_jobs WHERE id = $1',
      [id],
    );
    if (!row?.submission) return null;
    return { ...row.submission, observedAt: new Date(row.submission.observedAt) };
  }

  override async markProcessing(id: string, at: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    const [{ count }] = await rows<{ count: number }>(
      this.manager,
      `WITH taken AS (
         UPDATE ingestion_jobs SET status = 'processing', started_at = $2
         WHERE id = $1 AND status = 'queued'
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM taken`,
      [id, at],
    );
    return count === 1;
  }

  override async complete(id: string, result: IngestionResult, at: Date): Promise<void> {
    await this.finish(id, 'completed', at, JSON.stringify(result), null);
  }

  override async fail(id: string, error: string, at: Date): Promise<void> {
    await this.finish(id, 'failed', at, null, error);
  }

  override async failStalled(submittedBefore: Date, error: string, at: Date): Promise<string[]> {
    // Uses the partial index on unfinished ingestions.
    const failed = await rows<{ id: string }>(
      this.manager,
      `WITH failed AS (
         UPDATE ingestion_jobs
         SET status = 'failed', completed_at = $3, error = $2, submission = NULL,
             started_at = COALESCE(started_at, $3)
         WHERE status IN ('queued', 'processing') AND submitted_at < $1
         RETURNING id
       )
       SELECT id FROM failed ORDER BY id`,
      [submittedBefore, error, at],
    );
    return failed.map((row) => row.id);
  }

  private async finish(
    id: string,
    status: 'completed' | 'failed',
    at: Date,
    result: string | null,
    error: string | null,
  ): Promise<void> {
    if (!isUuid(id)) return;
    await rows(
      this.manager,
      `WITH finished AS (
         UPDATE ingestion_jobs
         SET status = $2::ingestion_status, completed_at = $3, result = $4::jsonb, error = $5,
             submission = NULL, started_at = COALESCE(started_at, $3)
         WHERE id = $1
         RETURNING 1
       )
       SELECT 1 FROM finished`,
      [id, status, at, result, error],
    );
  }
}
