/** Why a worker URL is refused (SSRF protection). */
export type WorkerUrlRejection =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'forbidden_address'
  | 'unresolvable_host';

export type WorkerUrlVerdict =
  | { readonly ok: true; readonly url: string; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly reason: WorkerUrlRejection; readonly detail: string };

/**
 * Decides whether the controller may send requests to a worker URL: scheme allow-list, no
 * credentials, and every address the host resolves to outside loopback, link-local, metadata,
 * private and other special ranges unless allow-listed. Checked at registration; the invoker
 * checks the address again when it connects (DNS rebinding).
 */
export abstract class WorkerUrlGuard {
  abstract check(url: string): Promise<WorkerUrlVerdict>;
}
