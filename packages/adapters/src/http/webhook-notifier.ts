/**
 * Owner notifications as signed webhooks (spec 004 FR-9), in the Standard Webhooks format
 * (https://www.standardwebhooks.com): a JSON envelope `{ type, timestamp, data }` and the headers
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `${id}.${timestamp}.${body}`. `signWebhook` / `verifyWebhook` are exported so receivers (and the
 * tests) check signatures with the very code that makes them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  DomainError,
  Notifier,
  type NotificationOutcome,
  type OwnerNotification,
} from '@slo-engine/core';
import {
  DEFAULT_WORKER_URL_POLICY,
  checkWorkerUrlSyntax,
  type WorkerUrlPolicy,
} from '@slo-engine/registry';
import { createGuardedLookup, ForbiddenAddressError } from './guarded-lookup';
import { systemHostLookup, type HostLookup } from './host-lookup';

export const WebhookErrorCodes = {
  /** A destination (URL or secret) or a retry setting is invalid; thrown at construction. */
  INVALID_OPTION: 'WEBHOOK.INVALID_OPTION',
} as const;

export const WEBHOOK_NOTIFIER_DEFAULTS = {
  maxAttempts: 5,
  /** First backoff ceiling; doubles on every retry (full jitter picks within it). */
  baseDelayMs: 1_000,
  /** Ceiling of one backoff and of a receiver's Retry-After. */
  maxDelayMs: 60_000,
  attemptTimeoutMs: 10_000,
  /** Receivers refuse signatures whose timestamp is further than this from their clock. */
  toleranceSeconds: 300,
} as const;

/** HMAC keys shorter than this are refused: they are guessable offline from one signed message. */
export const MIN_WEBHOOK_SECRET_BYTES = 32;
export const WEBHOOK_USER_AGENT = 'slo-engine-webhook/1';

/**
 * The shared HMAC key: Standard Webhooks' `whsec_<base64>` text (the key is the decoded bytes),
 * any other text (its UTF-8 bytes), or raw bytes.
 */
export type WebhookSecret = string | Uint8Array;

export interface WebhookDestination {
  readonly url: string;
  /** At least `MIN_WEBHOOK_SECRET_BYTES` bytes once decoded. */
  readonly secret: WebhookSecret;
}

export interface WebhookDestinations {
  /** Per owning team (`services.team`); the team's entry wins over `default`. */
  readonly byTeam?: Readonly<Record<string, WebhookDestination>>;
  /** For services without a team, or whose team has no entry. None: those are skipped. */
  readonly default?: WebhookDestination;
}

export interface WebhookNotifierOptions {
  readonly destinations: WebhookDestinations;
  /** SSRF policy for destination URLs (default `DEFAULT_WORKER_URL_POLICY`: https, public only). */
  readonly policy?: WorkerUrlPolicy;
  /** Resolver used at connect time (default: the system's). */
  readonly lookup?: HostLookup;
  /** Attempts per notification, the first included (default 5). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Deadline of one attempt, connect to response headers (default 10 s). */
  readonly attemptTimeoutMs?: number;
  /** Waits between attempts (default `setTimeout`); tests record instead of waiting. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) for the jitter (default `Math.random`). */
  readonly random?: () => number;
  /** Wall clock in epoch milliseconds, for `webhook-timestamp` and Retry-After dates. */
  readonly now?: () => number;
}

// ---------------------------------------------------------------------------------------------
// Signing and verification
// ---------------------------------------------------------------------------------------------

const WHSEC_PREFIX = 'whsec_';
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The key bytes of a secret; `null` when a `whsec_` secret is not valid base64. */
function secretKey(secret: WebhookSecret): Buffer | null {
  if (typeof secret !== 'string') return Buffer.from(secret);
  if (!secret.startsWith(WHSEC_PREFIX)) return Buffer.from(secret, 'utf8');
  const encoded = secret.slice(WHSEC_PREFIX.length);
  return STRICT_BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : null;
}

function signature(key: Buffer, id: string, timestampSeconds: number, body: string | Uint8Array) {
  // The body is hashed as the bytes sent, never re-encoded: a receiver hashes what it received.
  return createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('base64');
}

export interface WebhookSignatureInput {
  /** `webhook-id`. */
  readonly id: string;
  /** `webhook-timestamp`, unix seconds. */
  readonly timestampSeconds: number;
  readonly body: string | Uint8Array;
}

/**
 * The `webhook-signature` header value, `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>`.
 * @throws DomainError `WEBHOOK.INVALID_OPTION` when the secret is not usable (see `WebhookSecret`).
 */
export function signWebhook(secret: WebhookSecret, input: WebhookSignatureInput): string {
  if (!Number.isSafeInteger(input.timestampSeconds) || input.timestampSeconds < 0)
    throw new RangeError(
      `timestampSeconds must be a non-negative integer, got ${input.timestampSeconds}`,
    );
  return `v1,${signature(usableKey('secret', secret), input.id, input.timestampSeconds, input.body)}`;
}

/** Request headers as Node gives them (`IncomingHttpHeaders`) or any record, names in any case. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WebhookVerifyOptions {
  /** The receiver's clock, unix seconds. */
  readonly nowSeconds: number;
  /** Largest distance between `webhook-timestamp` and `nowSeconds`, either way (default 300). */
  readonly toleranceSeconds?: number;
}

export type WebhookVerification =
  | { readonly ok: true; readonly id: string; readonly timestampSeconds: number }
  | {
      readonly ok: false;
      readonly reason:
        'missing_header' | 'invalid_timestamp' | 'stale_timestamp' | 'invalid_signature';
      readonly detail: string;
    };

function header(headers: WebhookHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(' ');
  }
  return undefined;
}

/**
 * Checks a received webhook: the three headers present, the timestamp within `toleranceSeconds`
 * of `nowSeconds` (so a captured request cannot be replayed later), and one of the space-separated
 * `v1,` signatures equal to the expected one (several are allowed so senders can rotate keys).
 * Compared in constant time on the exact base64 text, so no re-encoding of the signature passes.
 * `body` must be the raw bytes received, before any JSON parsing.
 */
export function verifyWebhook(
  secret: WebhookSecret,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: WebhookVerifyOptions,
): WebhookVerification {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestampText === undefined || signatures === undefined)
    return {
      ok: false,
      reason: 'missing_header',
      detail: 'webhook-id, webhook-timestamp and webhook-signature are all required',
    };
  if (!/^[0-9]{1,15}$/.test(timestampText))
    return {
      ok: false,
      reason: 'invalid_timestamp',
      detail: 'webhook-timestamp is not unix seconds',
    };
  const timestampSeconds = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_NOTIFIER_DEFAULTS.toleranceSeconds;
  if (Math.abs(options.nowSeconds - timestampSeconds) > tolerance)
    return {
      ok: false,
      reason: 'stale_timestamp',
      detail: `webhook-timestamp is ${options.nowSeconds - timestampSeconds} s from now (tolerance ${tolerance} s)`,
    };
  const expected = Buffer.from(
    signature(usableKey('secret', secret), id, timestampSeconds, body),
    'utf8',
  );
  let matched = false;
  for (const entry of signatures.split(' ')) {
    if (!entry.startsWith('v1,')) continue;
    const given = Buffer.from(entry.slice(3), 'utf8');
    // No early exit: every entry costs the same, whichever matches.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched)
    return { ok: false, reason: 'invalid_signature', detail: 'no v1 signature matches' };
  return { ok: true, id, timestampSeconds };
}

// ---------------------------------------------------------------------------------------------
// The notifier
// ---------------------------------------------------------------------------------------------

function invalidOption(message: string, path: string): DomainError {
  return new DomainError(WebhookErrorCodes.INVALID_OPTION, message, { path });
}

function usableKey(path: string, secret: WebhookSecret): Buffer {
  const key = secretKey(secret);
  if (key === null)
    throw invalidOption(`${path}: the part after "whsec_" is not valid base64`, path);
  if (key.length < MIN_WEBHOOK_SECRET_BYTES)
    throw invalidOption(
      `${path} must be at least ${MIN_WEBHOOK_SECRET_BYTES} bytes, got ${key.length}`,
      path,
    );
  return key;
}

/** A destination checked once at construction: the policy is fixed for the notifier's life. */
interface PreparedDestination {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** Path and query, as the request line takes them. */
  readonly path: string;
  readonly key: Buffer;
}

function prepareDestination(
  path: string,
  destination: WebhookDestination,
  policy: WorkerUrlPolicy,
): PreparedDestination {
  let url: URL;
  try {
    url = new URL(destination.url);
  } catch {
    throw invalidOption(`${path}.url is not an absolute URL`, `${path}.url`);
  }
  // Worker URLs may not carry a query (the invoker appends a path); a webhook URL may, and the
  // query takes no part in where the request goes, so it is set aside for the policy check.
  const query = url.search;
  url.search = '';
  const verdict = checkWorkerUrlSyntax(url.href, policy);
  // Details never repeat the URL: webhook URLs often embed a token.
  if (!verdict.ok)
    throw invalidOption(
      `${path}.url is refused (${verdict.reason}): ${verdict.detail}`,
      `${path}.url`,
    );
  return {
    secure: verdict.scheme === 'https',
    hostname: verdict.hostname,
    port: verdict.port,
    path: `${new URL(verdict.url).pathname}${query}`,
    key: usableKey(`${path}.secret`, destination.secret),
  };
}

function positiveInteger(path: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw invalidOption(`${path} must be a positive integer, got ${value}`, path);
  return value;
}

type FailureReason = Extract<NotificationOutcome, { kind: 'failed' }>['reason'];

type AttemptResult =
  | { readonly kind: 'delivered'; readonly status: number }
  | {
      readonly kind: 'failed';
      readonly reason: FailureReason;
      readonly retryable: boolean;
      readonly detail: string;
      /** From a Retry-After header, already capped. */
      readonly retryAfterMs?: number | undefined;
    };

/** 408 and 429 say "later"; other 4xx say the request itself is wrong and will stay wrong. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** setTimeout fires at once beyond this. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Posts owner notifications to the owning team's webhook (else the default one), signed with that
 * destination's secret. Retries network errors, timeouts, 408, 429 and 5xx with exponential
 * backoff and full jitter (or the receiver's Retry-After), always with the same `webhook-id` so
 * receivers deduplicate, and a fresh timestamp and signature per attempt so none goes stale
 * while waiting. SSRF: destination URLs pass the worker-URL policy at construction, every
 * resolved address is checked again at connect time, and redirects are never followed.
 * Never throws for delivery problems; it answers an outcome.
 */
export class WebhookNotifier extends Notifier {
  private readonly byTeam: ReadonlyMap<string, PreparedDestination>;
  private readonly fallback: PreparedDestination | undefined;
  private readonly guardedLookup: LookupFunction;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  // No keep-alive: notifications are rare, and an idle pooled socket would only outlive its use.
  private readonly httpAgent = new http.Agent({ keepAlive: false });
  private readonly httpsAgent = new https.Agent({ keepAlive: false, rejectUnauthorized: true });

  /** @throws DomainError `WEBHOOK.INVALID_OPTION` naming the option at fault. */
  constructor(options: WebhookNotifierOptions) {
    super();
    const policy = options.policy ?? DEFAULT_WORKER_URL_POLICY;
    const byTeam = new Map<string, PreparedDestination>();
    // Object.entries, not `in`: a team named "constructor" must not find Object.prototype's.
    for (const [team, destination] of Object.entries(options.destinations.byTeam ?? {}))
      byTeam.set(
        team,
        prepareDestination(`destinations.byTeam[${JSON.stringify(team)}]`, destination, policy),
      );
    this.byTeam = byTeam;
    this.fallback =
      options.destinations.default === undefined
        ? undefined
        : prepareDestination('destinations.default', options.destinations.default, policy);
    this.guardedLookup = createGuardedLookup(options.lookup ?? systemHostLookup, policy);
    const defaults = WEBHOOK_NOTIFIER_DEFAULTS;
    this.maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? defaults.maxAttempts);
    this.baseDelayMs = positiveInteger('baseDelayMs', options.baseDelayMs ?? defaults.baseDelayMs);
    this.maxDelayMs = positiveInteger('maxDelayMs', options.maxDelayMs ?? defaults.maxDelayMs);
    this.attemptTimeoutMs = positiveInteger(
      'attemptTimeoutMs',
      options.attemptTimeoutMs ?? defaults.attemptTimeoutMs,
    );
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async notify(notification: OwnerNotification): Promise<NotificationOutcome> {
    const destination =
      (notification.team === undefined ? undefined : this.byTeam.get(notification.team)) ??
      this.fallback;
    if (destination === undefined) return { kind: 'skipped', reason: 'no_destination' };
    const body = Buffer.from(JSON.stringify(webhookPayload(notification)), 'utf8');
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.attempt(destination, notification.id, body);
      if (result.kind === 'delivered')
        return { kind: 'delivered', attempts: attempt, status: result.status };
      if (!result.retryable || attempt >= this.maxAttempts)
        return {
          kind: 'failed',
          attempts: attempt,
          reason: result.reason,
          retryable: result.retryable,
          detail: result.detail,
        };
      await this.sleep(result.retryAfterMs ?? this.backoffMs(attempt));
    }
  }

  /**
   * Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in
   * [0, min(cap, base × 2^(retry − 1))), so receivers that failed together do not get every
   * sender back at the same instant.
   */
  private backoffMs(failedAttempts: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failedAttempts - 1));
    return Math.floor(this.random() * ceiling);
  }

  /** Retry-After in seconds or as an HTTP date, capped at `maxDelayMs`; undefined if unreadable. */
  private retryAfterMs(value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    const text = value.trim();
    let ms: number;
    if (/^[0-9]+$/.test(text)) ms = Number(text) * 1000;
    else {
      const date = Date.parse(text);
      if (Number.isNaN(date)) return undefined;
      ms = date - this.now();
    }
    return Math.min(Math.max(0, ms), this.maxDelayMs);
  }

  private attempt(
    destination: PreparedDestination,
    id: string,
    body: Buffer,
  ): Promise<AttemptResult> {
    const timestampSeconds = Math.floor(this.now() / 1000);
    const requestOptions: http.RequestOptions = {
      method: 'POST',
      hostname: destination.hostname,
      port: destination.port,
      path: destination.path,
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': WEBHOOK_USER_AGENT,
        'webhook-id': id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': `v1,${signature(destination.key, id, timestampSeconds, body)}`,
      },
      agent: destination.secure ? this.httpsAgent : this.httpAgent,
      lookup: this.guardedLookup,
    };
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (result: AttemptResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
        // The answer's body is not needed; dropping the socket ends the exchange.
        request.destroy();
      };
      const request = (destination.secure ? https : http).request(requestOptions);
      const deadline = setTimeout(
        () =>
          finish({
            kind: 'failed',
            reason: 'timeout',
            retryable: true,
            detail: `no answer within ${this.attemptTimeoutMs} ms`,
          }),
        Math.min(this.attemptTimeoutMs, MAX_TIMER_MS),
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof ForbiddenAddressError)
          finish({
            kind: 'failed',
            reason: 'forbidden_destination',
            retryable: false,
            detail: error.message,
          });
        else
          finish({
            kind: 'failed',
            reason: 'connection_failed',
            retryable: true,
            detail: error.code ? `${error.code}: ${error.message}` : error.message,
          });
      });
      request.on('response', (response) => {
        // The body is discarded: `finish` destroys the request, which makes an unfinished
        // response emit 'aborted' errors that nobody needs to hear about.
        response.on('error', () => undefined);
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return finish({ kind: 'delivered', status });
        if (status >= 300 && status < 400)
          return finish({
            kind: 'failed',
            reason: 'redirect_refused',
            retryable: false,
            detail: `webhook answered ${status}; redirects are not followed`,
          });
        const retryable = retryableStatus(status);
        const retryAfterHeader = response.headers['retry-after'];
        finish({
          kind: 'failed',
          reason: 'http_error',
          retryable,
          detail: `webhook answered ${status}`,
          ...(retryable ? { retryAfterMs: this.retryAfterMs(retryAfterHeader) } : {}),
        });
      });
      request.end(body);
    });
  }
}

/**
 * The Standard Webhooks envelope. The notification's own fields are written after `data`, so a
 * detail that happens to be called `id` or `team` cannot change what receivers deduplicate or
 * route on.
 */
export function webhookPayload(notification: OwnerNotification): {
  readonly type: string;
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
} {
  return {
    type: notification.type,
    timestamp: notification.occurredAt.toISOString(),
    data: {
      ...notification.data,
      id: notification.id,
      service_id: notification.serviceId,
      team: notification.team ?? null,
      occurred_at: notification.occurredAt.toISOString(),
    },
  };
}
