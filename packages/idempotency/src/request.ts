import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './constants';
import { IdempotencyError, describeValue } from './errors';

/** The parts of a request that decide whether a retry is "the same request". */
export interface FingerprintInput {
  /** HTTP method; case-insensitive, normalised to upper case. */
  readonly method: string;
  /** Route or path the request addresses, compared exactly. */
  readonly route: string;
  /** Parsed request body; `undefined` (or absent) means "no body", which differs from `null`. */
  readonly body?: unknown;
}

/** What a stored record is scoped by: who asked, for what, under which client key. */
export interface ScopeInput {
  /** Authenticated caller (user, tenant or API client id); keys never collide across principals. */
  readonly principal: string;
  /** HTTP method; case-insensitive, normalised to upper case. */
  readonly method: string;
  /** Route the key applies to (prefer the route template, e.g. `/route`, over a concrete path). */
  readonly route: string;
  /** The client's `Idempotency-Key` value, already unquoted. */
  readonly idempotencyKey: string;
}

export interface IdempotencyKeyOptions {
  /** Longest key accepted, in characters. Default {@link MAX_IDEMPOTENCY_KEY_LENGTH} (255). */
  readonly maxKeyLength?: number;
}

/**
 * Stable SHA-256 hex digest (64 lower-case hex characters) of a request: the canonical JSON of
 * `[METHOD, route]`, or `[METHOD, route, body]` when a body is present.
 *
 * @throws IdempotencyError `IDEMPOTENCY.INVALID_ARGUMENT` for a bad method or route, and the
 *   errors of {@link canonicalJson} for a body that is not plain JSON.
 */
export function fingerprint(request: FingerprintInput): string {
  if (typeof request !== 'object' || request === null) {
    throw invalidArgument(`fingerprint() expects a request object, got ${describeValue(request)}`);
  }
  const method = normalizeMethod(request.method);
  const route = requireNonEmpty('route', request.route);
  const parts: unknown[] =
    request.body === undefined ? [method, route] : [method, route, request.body];
  return createHash('sha256').update(canonicalJson(parts), 'utf8').digest('hex');
}

/**
 * The store key for one client key: an injective encoding (a JSON array) of principal, upper-cased
 * method, route and the validated idempotency key, so equal keys under different principals,
 * methods or routes never share a record.
 *
 * @throws IdempotencyError `IDEMPOTENCY.INVALID_KEY` for a bad idempotency key,
 *   `IDEMPOTENCY.INVALID_ARGUMENT` for a bad principal, method or route.
 */
export function scopeKey(scope: ScopeInput, options: IdempotencyKeyOptions = {}): string {
  if (typeof scope !== 'object' || scope === null) {
    throw invalidArgument(`scopeKey() expects a scope object, got ${describeValue(scope)}`);
  }
  const principal = requireNonEmpty('principal', scope.principal);
  const method = normalizeMethod(scope.method);
  const route = requireNonEmpty('route', scope.route);
  const key = validateIdempotencyKey(scope.idempotencyKey, options);
  return JSON.stringify([principal, method, route, key]);
}

/**
 * Checks a client idempotency key and returns it unchanged: a string of 1 to `maxKeyLength`
 * characters, each printable ASCII (U+0020–U+007E), not starting or ending with a space (proxies
 * trim header values, so such a key could not be retried reliably).
 *
 * @throws IdempotencyError `IDEMPOTENCY.INVALID_KEY` naming the first problem found.
 */
export function validateIdempotencyKey(
  value: unknown,
  options: IdempotencyKeyOptions = {},
): string {
  const maxLength = options.maxKeyLength ?? MAX_IDEMPOTENCY_KEY_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_OPTION',
      `maxKeyLength must be a positive integer, got ${describeValue(maxLength)}`,
    );
  }
  if (typeof value !== 'string') {
    throw invalidKey(`idempotency key must be a string, got ${describeValue(value)}`);
  }
  if (value.length === 0) throw invalidKey('idempotency key is empty');
  if (value.length > maxLength) {
    throw invalidKey(
      `idempotency key is ${value.length} characters long; the maximum is ${maxLength}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      throw invalidKey(
        `idempotency key has character U+${hex} at index ${i}; only printable ASCII (U+0020–U+007E) is allowed`,
      );
    }
  }
  if (value.charCodeAt(0) === 0x20 || value.charCodeAt(value.length - 1) === 0x20) {
    throw invalidKey('idempotency key starts or ends with a space');
  }
  return value;
}

// RFC 9110 token characters.
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function normalizeMethod(method: unknown): string {
  if (typeof method !== 'string' || !METHOD_TOKEN.test(method)) {
    throw invalidArgument(
      `method must be an HTTP method token such as "POST", got ${describeValue(method)}`,
    );
  }
  return method.toUpperCase();
}

function requireNonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(`${name} must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

function invalidKey(message: string): IdempotencyError {
  return new IdempotencyError('IDEMPOTENCY.INVALID_KEY', message);
}

function invalidArgument(message: string): IdempotencyError {
  return new IdempotencyError('IDEMPOTENCY.INVALID_ARGUMENT', message);
}
