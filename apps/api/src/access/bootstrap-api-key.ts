/**
 * Registers AUTH_BOOTSTRAP_API_KEY as an sre_admin key when the API starts, so a new deployment
 * has a first administrator who can create the other keys. Idempotent across restarts and
 * replicas (the key id is the primary key); a revoked bootstrap key stays revoked.
 */
import { Logger, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { ApiKeyRepository, Clock, parseApiKey, SecretHasher } from '@slo-engine/core';

export const BOOTSTRAP_KEY_NAME = 'bootstrap';

export class BootstrapApiKey implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly rawKey: string | undefined,
    private readonly keys: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  static provider(rawKey: string | undefined): Provider {
    return {
      provide: BootstrapApiKey,
      useFactory: (keys: ApiKeyRepository, hasher: SecretHasher, clock: Clock) =>
        new BootstrapApiKey(rawKey, keys, hasher, clock),
      inject: [ApiKeyRepository, SecretHasher, Clock],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.rawKey === undefined) return;
    const parsed = parseApiKey(this.rawKey.trim());
    if (parsed === null) {
      throw new Error(
        'AUTH_BOOTSTRAP_API_KEY is not an API key (sloe_<12 characters>_<43 characters>); make one with `pnpm api-key:new`',
      );
    }
    const existing = await this.keys.findById(parsed.keyId);
    if (existing) {
      if (!(await this.hasher.verify(parsed.secret, existing.secretHash))) {
        throw new Error(
          `AUTH_BOOTSTRAP_API_KEY names key ${parsed.keyId}, which is stored with another secret; make a new key with \`pnpm api-key:new\``,
        );
      }
      if (existing.revokedAt !== null) {
        this.logger.warn(`the bootstrap API key ${parsed.keyId} is revoked; it stays revoked`);
      }
      return;
    }
    await this.keys.insert({
      id: parsed.keyId,
      name: BOOTSTRAP_KEY_NAME,
      role: 'sre_admin',
      team: null,
      createdBy: 'system:bootstrap',
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: null,
      secretHash: await this.hasher.hash(parsed.secret),
    });
    this.logger.log(`registered the bootstrap API key ${parsed.keyId} (sre_admin)`);
  }
}
