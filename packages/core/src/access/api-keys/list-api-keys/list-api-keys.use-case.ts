import { type FieldError } from '../../../shared/domain-error';
import { type Page } from '../../../shared/pagination';
import { pageLimit, throwIfInvalid } from '../../../graph/input-validation';
import { type ApiKeyRepository } from '../api-key.ports';
import { type ApiKey } from '../api-key.types';

export interface ListApiKeysInput {
  /** From the previous page's `nextCursor`. */
  readonly cursor?: string;
  /** 1..500, default 50. */
  readonly limit?: number;
}

/** Every API key, newest first, one keyset page at a time (GET /api/v1/api-keys); no hashes. */
export class ListApiKeysUseCase {
  constructor(private readonly repository: ApiKeyRepository) {}

  async execute(input: ListApiKeysInput = {}): Promise<Page<ApiKey>> {
    const fieldErrors: FieldError[] = [];
    const limit = pageLimit(input.limit, fieldErrors);
    throwIfInvalid(fieldErrors, 'The API key list query');
    return this.repository.list({ cursor: input.cursor, limit });
  }
}
