import {
  type AccessRole,
  type ApiKey,
  ApiKeyRepository,
  DomainError,
  DomainErrorCodes,
  type Page,
  type PageRequest,
  type StoredApiKey,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, rows } from './sql';

interface ApiKeyRow {
  readonly id: string;
  readonly name: string;
  readonly role: AccessRole;
  readonly team: string | null;
  readonly created_by: string;
  readonly created_at: Date;
  readonly last_used_at: Date | null;
  readonly revoked_at: Date | null;
  readonly expires_at: Date | null;
}

const COLUMNS =
  'id, name, role, team, created_by, created_at, last_used_at, revoked_at, expires_at';
// Key ids are base62; anything longer than the column cannot exist.
const MAX_ID_LENGTH = 32;

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    team: row.team,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
  };
}

function invalidCursor(): DomainError {
  return new DomainError(
    DomainErrorCodes.INVALID_CURSOR,
    'The cursor is not one this server issued.',
  );
}

/** `api_keys` (migration ApiKeys1764500000000). */
export class PostgresApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async insert(key: StoredApiKey): Promise<boolean> {
    const inserted = await rows<{ id: string }>(
      this.manager,
      `INSERT INTO api_keys (id, name, role, team, secret_hash, created_by, created_at,
                             last_used_at, revoked_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        key.id,
        key.name,
        key.role,
        key.team,
        key.secretHash,
        key.createdBy,
        key.createdAt,
        key.lastUsedAt,
        key.revokedAt,
        key.expiresAt,
      ],
    );
    return inserted.length === 1;
  }

  override async findById(id: string): Promise<StoredApiKey | null> {
    if (id.length > MAX_ID_LENGTH) return null;
    const [row] = await rows<ApiKeyRow & { secret_hash: string }>(
      this.manager,
      `SELECT ${COLUMNS}, secret_hash FROM api_keys WHERE id = $1`,
      [id],
    );
    return row ? { ...toApiKey(row), secretHash: row.secret_hash } : null;
  }

  override async list(page: PageRequest): Promise<Page<ApiKey>> {
    const parameters: unknown[] = [];
    let after = '';
    if (page.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(page.cursor, 2);
      if (Number.isNaN(Date.parse(createdAt)) || id.length > MAX_ID_LENGTH) throw invalidCursor();
      parameters.push(createdAt, id);
      after = 'WHERE (created_at, id) < ($1::timestamptz, $2)';
    }
    parameters.push(page.limit + 1);
    const found = await rows<ApiKeyRow & { created_at_key: string }>(
      this.manager,
      // The key keeps PostgreSQL's microseconds, which a JavaScript Date would truncate.
      `SELECT ${COLUMNS}, created_at::text AS created_at_key FROM api_keys ${after}
       ORDER BY created_at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const items = found.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toApiKey),
      nextCursor: found.length > page.limit ? encodeCursor([last.created_at_key, last.id]) : null,
    };
  }

  override async revoke(id: string, at: Date): Promise<boolean> {
    if (id.length > MAX_ID_LENGTH) return false;
    // A CTE, because TypeORM answers a top-level UPDATE with [rows, count].
    const updated = await rows<{ id: string }>(
      this.manager,
      `WITH revoked AS (
         UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING id
       )
       SELECT id FROM revoked`,
      [id, at],
    );
    return updated.length === 1;
  }

  override async touchLastUsed(id: string, at: Date, minIntervalMs: number): Promise<void> {
    if (id.length > MAX_ID_LENGTH) return;
    await rows(
      this.manager,
      `WITH touched AS (
         UPDATE api_keys SET last_used_at = $2
         WHERE id = $1
           AND (last_used_at IS NULL
                OR last_used_at <= $2::timestamptz - make_interval(secs => $3::double precision / 1000))
         RETURNING id
       )
       SELECT id FROM touched`,
      [id, at, minIntervalMs],
    );
  }
}
