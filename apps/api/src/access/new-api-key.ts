/**
 * `pnpm api-key:new`: prints a fresh API key for AUTH_BOOTSTRAP_API_KEY (the first sre_admin key of
 * a deployment). Nothing is stored here: the API registers the key's hash when it starts with it.
 * Later keys are created through `POST /api/v1/api-keys`, which stores them itself.
 */
import { newRawApiKey } from '@slo-engine/core';

process.stdout.write(`${newRawApiKey()}\n`);
