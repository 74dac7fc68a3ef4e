/** Codes the controller's core throws; the controller app maps each to one HTTP status. */
export const ControllerErrorCodes = {
  /** A registration body broke the capability schema; carries fieldErrors. → 400 */
  INVALID_REGISTRATION: 'CONTROLLER.INVALID_REGISTRATION',
  /** The worker URL is refused by the SSRF guard (scheme, credentials, forbidden address). → 422 */
  WORKER_URL_REFUSED: 'CONTROLLER.WORKER_URL_REFUSED',
  /** The caller acts on a worker registered by another identity (BOLA). → 403 */
  WORKER_OWNED_ELSEWHERE: 'CONTROLLER.WORKER_OWNED_ELSEWHERE',
  /** A capability declares a spiffe_id other than the caller's certificate identity. → 403 */
  IDENTITY_MISMATCH: 'CONTROLLER.IDENTITY_MISMATCH',
  /** No healthy worker passes the routing filters. → 503 */
  NO_WORKER_AVAILABLE: 'CONTROLLER.NO_WORKER_AVAILABLE',
  /** Low-priority request shed while the capability violates an enforced SLO. → 503 */
  SLO_VIOLATION: 'CONTROLLER.SLO_VIOLATION',
  /** Same idempotency key, still executing. → 409 with Retry-After */
  IDEMPOTENCY_IN_FLIGHT: 'CONTROLLER.IDEMPOTENCY_IN_FLIGHT',
  /** Same idempotency key, different request. → 422 */
  IDEMPOTENCY_KEY_REUSED: 'CONTROLLER.IDEMPOTENCY_KEY_REUSED',
  /** The idempotency store holds only in-flight records. → 503 with Retry-After */
  IDEMPOTENCY_STORE_FULL: 'CONTROLLER.IDEMPOTENCY_STORE_FULL',
  /** The worker did not answer usably (timeout, connection, redirect, bad body). → 502 / 504 */
  WORKER_FAILED: 'CONTROLLER.WORKER_FAILED',
  WORKER_TIMEOUT: 'CONTROLLER.WORKER_TIMEOUT',
  /** No canary policy for the capability. → 404 */
  CANARY_NOT_FOUND: 'CONTROLLER.CANARY_NOT_FOUND',
  /** A canary policy breaks a rule (percentage range, versions). → 400 */
  INVALID_CANARY: 'CONTROLLER.INVALID_CANARY',
} as const;

export type ControllerErrorCode = (typeof ControllerErrorCodes)[keyof typeof ControllerErrorCodes];
