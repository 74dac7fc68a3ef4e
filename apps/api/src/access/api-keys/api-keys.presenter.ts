import { type ApiKey, type CreatedApiKey } from '@slo-engine/core';
import {
  API_KEY_SHOWN_ONCE_WARNING,
  type ApiKeyDto,
  type CreatedApiKeyDto,
} from './dto/api-key-response.dto';

/** A key as listed: every field but the hash, which core types do not even carry here. */
export function presentApiKey(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    team: key.team,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    expires_at: key.expiresAt?.toISOString() ?? null,
  };
}

export function presentCreatedApiKey(created: CreatedApiKey): CreatedApiKeyDto {
  return {
    ...presentApiKey(created.key),
    api_key: created.rawKey,
    warning: API_KEY_SHOWN_ONCE_WARNING,
  };
}
