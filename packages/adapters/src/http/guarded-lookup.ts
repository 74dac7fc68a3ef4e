import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { checkResolvedAddresses, parseIpAddress, type WorkerUrlPolicy } from '@slo-engine/registry';
import type { HostLookup } from './host-lookup';

/** Raised by the connect-time lookup, so a request's error handler can tell it apart. */
export class ForbiddenAddressError extends Error {
  readonly code = 'ERR_WORKER_ADDRESS_FORBIDDEN';
}

/**
 * A `net.connect` lookup hook that resolves with `lookup` and refuses the connection when ANY
 * address is forbidden by `policy`, before a socket exists: a name that resolved to a public
 * address when it was configured and now resolves to 127.0.0.1 (DNS rebinding) never gets a
 * connection. Answers both shapes Node asks for: `all: true` (happy eyeballs, the default since
 * Node 20) and a single address. Shared by the worker invoker and the webhook notifier.
 */
export function createGuardedLookup(lookup: HostLookup, policy: WorkerUrlPolicy): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    lookup(hostname).then(
      (addresses) => {
        const verdict = checkResolvedAddresses(addresses, policy);
        if (!verdict.ok) {
          const error =
            verdict.reason === 'forbidden_address'
              ? new ForbiddenAddressError(`connect-time check of ${hostname}: ${verdict.detail}`)
              : Object.assign(new Error(`${hostname}: ${verdict.detail}`), { code: 'ENOTFOUND' });
          return callback(error, '');
        }
        const wanted = familyNumber(options.family);
        const entries: LookupAddress[] = verdict.addresses
          .map((address) => ({ address, family: parseIpAddress(address)?.family ?? 0 }))
          .filter((entry) => wanted === 0 || entry.family === wanted);
        const first = entries[0];
        if (first === undefined)
          return callback(
            Object.assign(new Error(`${hostname} has no IPv${wanted} address`), {
              code: 'ENOTFOUND',
            }),
            '',
          );
        if (options.all) callback(null, entries);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** `LookupOptions.family` also takes the legacy names `'IPv4'` / `'IPv6'`; 0 means either. */
function familyNumber(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
