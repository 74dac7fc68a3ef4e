import { WorkerUrlGuard, type WorkerUrlVerdict } from '@slo-engine/core';
import {
  DEFAULT_WORKER_URL_POLICY,
  checkResolvedAddresses,
  checkWorkerUrlSyntax,
  type WorkerUrlPolicy,
} from '@slo-engine/registry';
import { systemHostLookup, type HostLookup } from './host-lookup';

/** How long a worker's host name may take to resolve at registration (2 s). */
export const DEFAULT_RESOLUTION_TIMEOUT_MS = 2_000;

export interface DnsWorkerUrlGuardOptions {
  /** Schemes, allow-listed ranges and hosts (default: `DEFAULT_WORKER_URL_POLICY`, https only). */
  readonly policy?: WorkerUrlPolicy;
  /** Resolver (default: the system's, `dns.lookup` with `all: true`). */
  readonly lookup?: HostLookup;
  /** Upper bound on resolution; past it the host counts as unresolvable (default 2000). */
  readonly resolutionTimeoutMs?: number;
}

class ResolutionTimeout extends Error {}

/**
 * The registration-time SSRF check: everything `checkWorkerUrlSyntax` decides without DNS, then
 * every address the host resolves to must pass the policy. Passing here is not enough on its own:
 * a name can resolve differently later, so `HttpWorkerInvoker` checks again when it connects.
 */
export class DnsWorkerUrlGuard extends WorkerUrlGuard {
  private readonly policy: WorkerUrlPolicy;
  private readonly lookup: HostLookup;
  private readonly resolutionTimeoutMs: number;

  constructor(options: DnsWorkerUrlGuardOptions = {}) {
    super();
    this.policy = options.policy ?? DEFAULT_WORKER_URL_POLICY;
    this.lookup = options.lookup ?? systemHostLookup;
    this.resolutionTimeoutMs = options.resolutionTimeoutMs ?? DEFAULT_RESOLUTION_TIMEOUT_MS;
    if (!Number.isFinite(this.resolutionTimeoutMs) || this.resolutionTimeoutMs <= 0)
      throw new Error(
        `DnsWorkerUrlGuard: resolutionTimeoutMs must be a positive number, got ${this.resolutionTimeoutMs}`,
      );
  }

  async check(url: string): Promise<WorkerUrlVerdict> {
    const syntax = checkWorkerUrlSyntax(url, this.policy);
    if (!syntax.ok) return syntax;
    // An IP-literal host was judged by the syntax check; there is nothing to resolve.
    if (syntax.address !== null) return { ok: true, url: syntax.url, addresses: [syntax.address] };
    let addresses: readonly string[];
    try {
      addresses = await this.resolve(syntax.hostname);
    } catch (error) {
      const detail =
        error instanceof ResolutionTimeout
          ? `${syntax.hostname} did not resolve within ${this.resolutionTimeoutMs} ms`
          : `${syntax.hostname} did not resolve: ${describeLookupError(error)}`;
      return { ok: false, reason: 'unresolvable_host', detail };
    }
    const verdict = checkResolvedAddresses(addresses, this.policy);
    if (!verdict.ok)
      return { ok: false, reason: verdict.reason, detail: `${syntax.hostname}: ${verdict.detail}` };
    return { ok: true, url: syntax.url, addresses: verdict.addresses };
  }

  private async resolve(hostname: string): Promise<readonly string[]> {
    let timer: NodeJS.Timeout | undefined;
    // dns.lookup cannot be cancelled (it runs on the libuv pool); the race only stops waiting.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ResolutionTimeout()), this.resolutionTimeoutMs);
    });
    try {
      return await Promise.race([this.lookup(hostname), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeLookupError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : code;
  }
  return String(error);
}
