export { canonicalJson } from './canonical-json';
export {
  DEFAULT_CAPACITY,
  DEFAULT_LEASE_MS,
  DEFAULT_TTL_MS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './constants';
export { decide } from './decide';
export { IdempotencyError, type IdempotencyErrorCode } from './errors';
export { InMemoryIdempotencyStore, type InMemoryIdempotencyStoreOptions } from './in-memory-store';
export {
  fingerprint,
  scopeKey,
  validateIdempotencyKey,
  type FingerprintInput,
  type IdempotencyKeyOptions,
  type ScopeInput,
} from './request';
export { IdempotencyService, type IdempotencyServiceOptions, type RunResult } from './service';
export {
  IdempotencyStore,
  type BeginRequest,
  type CompleteRequest,
  type ReleaseRequest,
} from './store';
export type {
  BeginResult,
  CleanupResult,
  CompleteResult,
  CompletedRecord,
  CurrentState,
  Decision,
  ExecuteReason,
  IdempotencyRecord,
  IdempotencyStats,
  InFlightRecord,
  Lease,
  ReleaseResult,
} from './types';
