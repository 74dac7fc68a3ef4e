import { type Clock } from '../../../shared/clock.port';
import { DomainError } from '../../../shared/domain-error';
import { CredentialErrorCodes } from '../../credential-errors';
import { type ApiKeyRepository } from '../api-key.ports';
import { isApiKeyId } from '../api-key-format';
import { type ApiKeyVerificationCache } from '../api-key-verification-cache';

export interface RevokeApiKeyInput {
  readonly id: string;
}

/**
 * Revokes an API key (DELETE /api/v1/api-keys/{id}, sre_admin). The row stays, with `revokedAt`,
 * for the record; revoking a revoked key again changes nothing and succeeds. This process forgets
 * the key's cached verification at once; other instances within the cache TTL (see
 * {@link ApiKeyVerificationCache}).
 */
export class RevokeApiKeyUseCase {
  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly clock: Clock,
    private readonly cache: ApiKeyVerificationCache,
  ) {}

  async execute(input: RevokeApiKeyInput): Promise<void> {
    const wellFormed = isApiKeyId(input.id);
    const found = wellFormed && (await this.repository.revoke(input.id, this.clock.now()));
    if (!found) {
      // Only a well-formed id is echoed: the path segment is whatever the client sent.
      throw new DomainError(
        CredentialErrorCodes.API_KEY_NOT_FOUND,
        wellFormed ? `No API key has the id '${input.id}'.` : 'No API key has this id.',
      );
    }
    this.cache.evict(input.id);
  }
}
