import { type Clock } from '../../../shared/clock.port';
import { type FieldError } from '../../../shared/domain-error';
import { throwIfInvalid } from '../../../graph/input-validation';
import { ACCESS_ROLES, isAccessRole } from '../../access-role';
import { type ApiKeyRepository, type RandomBytes, type SecretHasher } from '../api-key.ports';
import { cryptoRandomBytes, formatApiKey, newApiKeyId, newApiKeySecret } from '../api-key-format';
import { type StoredApiKey } from '../api-key.types';
import { type CreateApiKeyInput, type CreatedApiKey } from './create-api-key.types';

export const MAX_API_KEY_NAME_LENGTH = 100;
export const MAX_API_KEY_TEAM_LENGTH = 255;
const MAX_CREATED_BY_LENGTH = 320;
/** Id collisions are ~2^-71 per pair of keys; a few draws make a failure practically impossible. */
const MAX_ID_ATTEMPTS = 3;
// Control characters would let a key name forge log lines or confuse a terminal.
const CONTROL = /\p{Cc}/u;

function checkText(
  value: unknown,
  field: string,
  maxLength: number,
  fieldErrors: FieldError[],
): void {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
    fieldErrors.push({
      field,
      message: `must be text of 1 to ${maxLength} characters, not only spaces`,
    });
  } else if (CONTROL.test(value)) {
    fieldErrors.push({ field, message: 'must not contain control characters' });
  }
}

/**
 * Issues an API key (POST /api/v1/api-keys, sre_admin): a random key id and secret, the secret's
 * slow hash stored, the raw key handed back once. Nothing is stored when the input is invalid.
 */
export class CreateApiKeyUseCase {
  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    private readonly randomBytes: RandomBytes = cryptoRandomBytes,
  ) {}

  async execute(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const now = this.clock.now();
    const team = input.team ?? null;
    const expiresAt = input.expiresAt ?? null;
    const fieldErrors: FieldError[] = [];
    checkText(input.name, 'name', MAX_API_KEY_NAME_LENGTH, fieldErrors);
    if (!isAccessRole(input.role)) {
      fieldErrors.push({
        field: 'role',
        message: `must be one of ${ACCESS_ROLES.join(', ')}, got ${JSON.stringify(input.role)}`,
      });
    }
    if (team !== null) {
      checkText(team, 'team', MAX_API_KEY_TEAM_LENGTH, fieldErrors);
    } else if (input.role === 'service_owner') {
      fieldErrors.push({
        field: 'team',
        message:
          'is required for a service_owner key: it names the team whose services it may act on',
      });
    }
    if (
      expiresAt !== null &&
      (!(expiresAt instanceof Date) || !(expiresAt.getTime() > now.getTime()))
    ) {
      fieldErrors.push({ field: 'expires_at', message: 'must be a time in the future' });
    }
    checkText(input.createdBy, 'created_by', MAX_CREATED_BY_LENGTH, fieldErrors);
    throwIfInvalid(fieldErrors, 'The API key');

    const secret = newApiKeySecret(this.randomBytes);
    const secretHash = await this.hasher.hash(secret);
    for (let attempt = 1; attempt <= MAX_ID_ATTEMPTS; attempt++) {
      const key: StoredApiKey = {
        id: newApiKeyId(this.randomBytes),
        name: input.name,
        role: input.role,
        team,
        createdBy: input.createdBy,
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
        expiresAt,
        secretHash,
      };
      if (await this.repository.insert(key)) {
        const { secretHash: _stored, ...listed } = key;
        return { key: listed, rawKey: formatApiKey(key.id, secret) };
      }
    }
    throw new Error(`No free API key id after ${MAX_ID_ATTEMPTS} random draws`);
  }
}
