import { lookup } from 'node:dns/promises';

/**
 * Every address a host name resolves to (A and AAAA), in resolver order. Injected into the URL
 * guard and the invoker so tests can make a name resolve to whatever they need, including a
 * different answer on each call (DNS rebinding).
 */
export type HostLookup = (hostname: string) => Promise<readonly string[]>;

/** The operating system's resolver (getaddrinfo through `dns.lookup`, `/etc/hosts` included). */
export const systemHostLookup: HostLookup = async (hostname) =>
  (await lookup(hostname, { all: true })).map((entry) => entry.address);
