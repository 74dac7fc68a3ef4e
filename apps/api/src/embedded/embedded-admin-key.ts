/**
 * Embedded mode's administrator key: made once, kept beside the embedded database (owner-only file,
 * git-ignored with it) and registered as AUTH_BOOTSTRAP_API_KEY, so the demo is protected like a
 * real deployment and the key a developer copied yesterday still works today.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { newRawApiKey, parseApiKey } from '@slo-engine/core';

/** The key stored next to the embedded data directory, made on first use. */
export function embeddedAdminKey(dataDir: string): { readonly key: string; readonly file: string } {
  const file = resolve(dirname(resolve(dataDir)), 'admin-api-key');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (parseApiKey(stored)) return { key: stored, file };
  }
  const key = newRawApiKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, file };
}
