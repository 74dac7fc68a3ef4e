/**
 * API keys in memory: for unit tests, app tests and the embedded mode's demos (not production
 * storage). Passes `describeApiKeyRepositoryContract` like the PostgreSQL adapter.
 */
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { type Page, type PageRequest } from '../../shared/pagination';
import { ApiKeyRepository } from '../api-keys/api-key.ports';
import { type ApiKey, type StoredApiKey } from '../api-keys/api-key.types';

function invalidCursor(): DomainError {
  return new DomainError(
    DomainErrorCodes.INVALID_CURSOR,
    'The cursor is not one this server issued; start again without a cursor.',
    { fieldErrors: [{ field: 'cursor', message: 'unknown cursor' }] },
  );
}

/** A key's place in the listing: creation time (ms) and id. */
interface SortKey {
  readonly createdAt: number;
  readonly id: string;
}

function sortKey(key: ApiKey): SortKey {
  return { createdAt: key.createdAt.getTime(), id: key.id };
}

/** Newest first, then by id descending (code units, like PostgreSQL's "C" collation). */
function newestFirst(a: SortKey, b: SortKey): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function decodeCursor(cursor: string): SortKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'number' ||
    typeof decoded[1] !== 'string'
  ) {
    throw invalidCursor();
  }
  return { createdAt: decoded[0], id: decoded[1] };
}

function copy<T extends ApiKey>(key: T): T {
  return {
    ...key,
    createdAt: new Date(key.createdAt),
    lastUsedAt: key.lastUsedAt && new Date(key.lastUsedAt),
    revokedAt: key.revokedAt && new Date(key.revokedAt),
    expiresAt: key.expiresAt && new Date(key.expiresAt),
  };
}

export class InMemoryApiKeyRepository extends ApiKeyRepository {
  private readonly keys = new Map<string, StoredApiKey>();

  override async insert(key: StoredApiKey): Promise<boolean> {
    await Promise.resolve();
    if (this.keys.has(key.id)) return false;
    this.keys.set(key.id, copy(key));
    return true;
  }

  override async findById(id: string): Promise<StoredApiKey | null> {
    await Promise.resolve();
    const key = this.keys.get(id);
    return key ? copy(key) : null;
  }

  override async list(page: PageRequest): Promise<Page<ApiKey>> {
    await Promise.resolve();
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const matching = [...this.keys.values()]
      .map(({ secretHash: _hash, ...key }): ApiKey => key)
      .filter((key) => after === undefined || newestFirst(sortKey(key), after) > 0)
      .sort((a, b) => newestFirst(sortKey(a), sortKey(b)));
    const items = matching.slice(0, page.limit).map(copy);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        matching.length > page.limit && last !== undefined
          ? Buffer.from(JSON.stringify([last.createdAt.getTime(), last.id]), 'utf8').toString(
              'base64url',
            )
          : null,
    };
  }

  override async revoke(id: string, at: Date): Promise<boolean> {
    await Promise.resolve();
    const key = this.keys.get(id);
    if (!key) return false;
    if (key.revokedAt === null) this.keys.set(id, { ...key, revokedAt: new Date(at) });
    return true;
  }

  override async touchLastUsed(id: string, at: Date, minIntervalMs: number): Promise<void> {
    await Promise.resolve();
    const key = this.keys.get(id);
    if (!key) return;
    if (key.lastUsedAt === null || key.lastUsedAt.getTime() <= at.getTime() - minIntervalMs) {
      this.keys.set(id, { ...key, lastUsedAt: new Date(at) });
    }
  }
}
