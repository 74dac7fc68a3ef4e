import { CredentialErrorCodes } from '@slo-engine/core';
import { accessGuardStatusByCode } from '@slo-engine/platform';
import { AccessProblemCodes } from './request-authenticator';

/** Domain error code → HTTP status for this feature's codes; merged into app.module's table. */
export const accessStatusByCode: Readonly<Record<string, number>> = {
  // The guard's own: 401 no credentials, 403 role/person/ownership, 429 rate limit.
  ...accessGuardStatusByCode,
  [AccessProblemCodes.OIDC_NOT_CONFIGURED]: 401,
  [AccessProblemCodes.UNSUPPORTED_AUTHORIZATION]: 401,
  [AccessProblemCodes.IDENTITY_PROVIDER_UNAVAILABLE]: 503,
  // Malformed, unknown, revoked, expired or wrong-secret keys: one answer for all (no oracle).
  [CredentialErrorCodes.INVALID_API_KEY]: 401,
  // 401 for every reason but `jwks_unavailable` (details.reason), which the auth guard answers 503:
  // the identity provider is unreachable, the caller's token may be fine.
  [CredentialErrorCodes.INVALID_TOKEN]: 401,
  [CredentialErrorCodes.API_KEY_NOT_FOUND]: 404,
  // Invalid create/list input throws VALIDATION.INVALID_INPUT (400, `errors[]`), already mapped.
};
