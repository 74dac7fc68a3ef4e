import { type AccessRole } from '../../access-role';
import { type ApiKey } from '../api-key.types';

export interface CreateApiKeyInput {
  /** What the key is for, e.g. "backstage-prod"; 1–100 characters. */
  readonly name: string;
  readonly role: AccessRole;
  /** Required for `service_owner` keys: the team whose services the key may act on. */
  readonly team?: string | null;
  /** When the key stops working; in the future. Absent or null: never. */
  readonly expiresAt?: Date | null;
  /** The creating principal's actor; never taken from a request body. */
  readonly createdBy: string;
}

export interface CreatedApiKey {
  readonly key: ApiKey;
  /** `sloe_<keyId>_<secret>`: shown to the creator once, not retrievable afterwards. */
  readonly rawKey: string;
}
