import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { type Page } from '../../shared/pagination';
import { type GraphRepository } from '../../graph/graph.ports';
import { pageLimit, throwIfInvalid } from '../../graph/input-validation';
import { type SloAuditLogRepository } from '../slo.ports';
import { type AuditEntry } from '../slo.types';

export interface GetSloHistoryInput {
  readonly serviceId: string;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  /** 1..500, 50 by default. */
  readonly limit?: number;
}

/** Version 1 cursors carry the chain position of the last entry of the page. */
interface HistoryCursor {
  readonly v: 1;
  readonly before: number;
}

function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  let decoded: unknown;
  try {
    decoded = /^[A-Za-z0-9_-]+$/.test(cursor)
      ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      : undefined;
  } catch {
    decoded = undefined;
  }
  const before = (decoded as Partial<HistoryCursor> | undefined)?.before;
  if (
    typeof decoded !== 'object' ||
    decoded === null ||
    (decoded as Partial<HistoryCursor>).v !== 1 ||
    typeof before !== 'number' ||
    !Number.isSafeInteger(before) ||
    before < 1
  ) {
    throw new DomainError(
      DomainErrorCodes.INVALID_CURSOR,
      'The cursor is not one this server issued; start again without a cursor.',
      { fieldErrors: [{ field: 'cursor', message: 'unknown cursor' }] },
    );
  }
  return before;
}

/**
 * GET /services/{id}/slo-history: the service's audit entries, newest first (chain order), one
 * keyset page at a time. The cursor is opaque to clients; one the server did not issue is
 * VALIDATION.INVALID_CURSOR. An unknown service is GRAPH.SERVICE_NOT_FOUND (checked when the
 * first page is empty, so a known service without history gets an empty page).
 */
export class GetSloHistoryUseCase {
  constructor(
    private readonly auditLog: SloAuditLogRepository,
    private readonly graph: GraphRepository,
  ) {}

  async execute(input: GetSloHistoryInput): Promise<Page<AuditEntry>> {
    const fieldErrors: FieldError[] = [];
    const limit = pageLimit(input.limit, fieldErrors);
    throwIfInvalid(fieldErrors, 'The SLO history query');
    const beforeSequence = input.cursor === undefined ? undefined : decodeCursor(input.cursor);

    // One more than the page: whether there is a next page, without a count.
    const found = await this.auditLog.history(input.serviceId, {
      beforeSequence,
      limit: limit + 1,
    });
    if (
      found.length === 0 &&
      beforeSequence === undefined &&
      (await this.graph.findService(input.serviceId)) === null
    ) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${input.serviceId}".`,
        { serviceId: input.serviceId },
      );
    }
    const items = found.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        found.length > limit && last !== undefined
          ? encodeCursor({ v: 1, before: last.sequence })
          : null,
    };
  }
}
