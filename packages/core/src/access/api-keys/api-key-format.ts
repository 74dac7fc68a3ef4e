/**
 * The raw API key: `sloe_<keyId>_<secret>`. The key id (12 base62 characters, ~71 bits) is public:
 * it names the key in lists, logs and rate limits and finds its row without a scan. The secret
 * (32 random bytes, base64url) is shown once at creation; only its hash is stored. The `sloe_`
 * prefix lets secret scanners (GitHub, gitleaks) recognise leaked keys.
 */
import { randomBytes } from 'node:crypto';
import { type RandomBytes } from './api-key.ports';

export const API_KEY_PREFIX = 'sloe';
export const API_KEY_ID_LENGTH = 12;
export const API_KEY_SECRET_BYTES = 32;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Bytes at or above this would make `byte % 62` favour the first characters; they are skipped. */
const UNBIASED_BYTE_LIMIT = 256 - (256 % BASE62.length);
/** 43 characters: 32 bytes in unpadded base64url. */
const SECRET_LENGTH = Math.ceil((API_KEY_SECRET_BYTES * 4) / 3);
const RAW_KEY_LENGTH = API_KEY_PREFIX.length + 1 + API_KEY_ID_LENGTH + 1 + SECRET_LENGTH;
// The secret's alphabet includes `_`, so the key id's fixed length, not the separator, ends it.
const RAW_KEY = new RegExp(
  `^${API_KEY_PREFIX}_([0-9A-Za-z]{${API_KEY_ID_LENGTH}})_([A-Za-z0-9_-]{${SECRET_LENGTH}})$`,
);
const KEY_ID = new RegExp(`^[0-9A-Za-z]{${API_KEY_ID_LENGTH}}$`);

/** Randomness from the operating system's CSPRNG: the production {@link RandomBytes}. */
export const cryptoRandomBytes: RandomBytes = (size) => randomBytes(size);

function take(random: RandomBytes, size: number): Uint8Array {
  const bytes = random(size);
  if (bytes.length !== size) {
    throw new Error(`RandomBytes returned ${bytes.length} bytes, ${size} were asked for`);
  }
  return bytes;
}

/** A new key id: base62 characters drawn without modulo bias. */
export function newApiKeyId(random: RandomBytes): string {
  let id = '';
  while (id.length < API_KEY_ID_LENGTH) {
    for (const byte of take(random, API_KEY_ID_LENGTH)) {
      if (byte < UNBIASED_BYTE_LIMIT && id.length < API_KEY_ID_LENGTH) id += BASE62[byte % 62];
    }
  }
  return id;
}

export function newApiKeySecret(random: RandomBytes): string {
  return Buffer.from(take(random, API_KEY_SECRET_BYTES)).toString('base64url');
}

export function formatApiKey(keyId: string, secret: string): string {
  return `${API_KEY_PREFIX}_${keyId}_${secret}`;
}

/** A fresh raw key (id and secret) that nothing has stored yet, e.g. for a bootstrap key. */
export function newRawApiKey(random: RandomBytes = cryptoRandomBytes): string {
  return formatApiKey(newApiKeyId(random), newApiKeySecret(random));
}

/** The key id and secret of a raw key, or null when it does not have the shape of one. */
export function parseApiKey(raw: string): { keyId: string; secret: string } | null {
  if (raw.length !== RAW_KEY_LENGTH) return null;
  const match = RAW_KEY.exec(raw);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

/** Whether `id` has the shape of a key id (anything else cannot name a key). */
export function isApiKeyId(id: string): boolean {
  return KEY_ID.test(id);
}
