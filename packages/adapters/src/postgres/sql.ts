import { DomainError, DomainErrorCodes } from '@slo-engine/core';
import { type EntityManager } from 'typeorm';

/**
 * Runs one statement and returns its rows. Every statement here is a SELECT or an INSERT … RETURNING
 * at the top level (UPDATEs are wrapped in a CTE), because TypeORM returns `[rows, count]` for a
 * top-level UPDATE or DELETE.
 */
export async function rows<T>(
  manager: EntityManager,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<T[]> {
  return manager.query<T[]>(sql, [...parameters]);
}

/** Runs `work` in a transaction: the caller's when the manager is bound to one, else a new one. */
export async function inTransaction<T>(
  manager: EntityManager,
  work: (manager: EntityManager) => Promise<T>,
  isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED',
): Promise<T> {
  if (manager.queryRunner?.isTransactionActive) return work(manager);
  return manager.transaction(isolation, work);
}

const NEEDS_ESCAPE = /["\\]/;
/** JSON escapes that mean something else (or nothing) inside a PostgreSQL array literal. */
const JSON_ONLY_ESCAPE = /\\[bfnrtu]/;

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) for a `$n::text[]` (or int[], float8[], enum[],
 * jsonb[]) parameter, built fast because ingestion sends 50,000 elements × 9 columns
 * (node-postgres' own serialisation takes ~150 ms for that).
 *
 * Fast path: a JSON array of strings, numbers and nulls is already an array literal once its
 * brackets become braces (`"` and `\` are escaped the same way; a bare `null` is NULL), unless
 * JSON used an escape PostgreSQL reads differently (control characters, lone surrogates).
 */
export function arrayLiteral(values: ReadonlyArray<string | number | null>): string {
  const json = JSON.stringify(values);
  if (!JSON_ONLY_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) {
      parts[i] = 'NULL';
    } else {
      const text = String(value);
      parts[i] = NEEDS_ESCAPE.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
    }
  }
  return `{${parts.join(',')}}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot exist (and would make PostgreSQL raise 22P02). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Opaque keyset cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (
    !Array.isArray(key) ||
    key.length !== length ||
    !key.every((part): part is string => typeof part === 'string')
  ) {
    throw new DomainError(
      DomainErrorCodes.INVALID_CURSOR,
      'The cursor is not one this server issued.',
    );
  }
  return key;
}

/** The PostgreSQL error code of a failed query (e.g. 23505 unique_violation), if any. */
export function postgresErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown; driverError?: { code?: unknown } }).code;
  const driverCode = (error as { driverError?: { code?: unknown } }).driverError?.code;
  const found = typeof code === 'string' ? code : driverCode;
  return typeof found === 'string' ? found : undefined;
}
