/**
 * SSRF protection for worker URLs, as pure functions: address parsing and classification (IPv4,
 * IPv6 and the IPv6 forms that embed an IPv4 address), CIDR allow-lists, and the verdicts on a
 * worker URL that need no DNS. Resolving names and connecting belong to the adapters, which call
 * `checkResolvedAddresses` / `evaluateAddress` on what the resolver answered.
 *
 * No `node:net`: this package does no Node I/O, and parsing here is also stricter and more
 * complete than `isIP` (it reads the inet_aton forms `2130706433`, `0x7f.1` and `0177.0.0.1`
 * that the C resolver would turn into loopback).
 */
import { RegistryError } from './errors';
import type { FieldError } from './types';

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

export type AddressFamily = 4 | 6;

/** An IP address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IpAddress {
  readonly family: AddressFamily;
  readonly value: bigint;
}

/**
 * What an address is, after the IANA special-purpose registries. Everything but `public` is
 * refused for workers unless allow-listed, and `NEVER_ALLOWED_ADDRESS_CLASSES` even then.
 */
export type AddressClass =
  /** Globally routable unicast. */
  | 'public'
  /** `0.0.0.0/8` ("this network": Linux connects `0.0.0.0` to the local host) and `::`. */
  | 'unspecified'
  /** `127.0.0.0/8`, `::1`. */
  | 'loopback'
  /** RFC 1918 (`10/8`, `172.16/12`, `192.168/16`) and the local-use NAT64 prefix `64:ff9b:1::/48`. */
  | 'private'
  /** `100.64.0.0/10` (RFC 6598), also used as pod networks. */
  | 'carrier_grade_nat'
  /** `169.254.0.0/16`, `fe80::/10`. */
  | 'link_local'
  /** Cloud instance metadata and credential endpoints (AWS, GCP, Azure, ECS, EKS, Alibaba, Oracle). */
  | 'metadata'
  /** `224.0.0.0/4`, `ff00::/8`. */
  | 'multicast'
  /** `255.255.255.255`. */
  | 'broadcast'
  /** `fc00::/7` (RFC 4193). */
  | 'unique_local'
  /** `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`. */
  | 'documentation'
  /** `198.18.0.0/15`, `2001:2::/48`. */
  | 'benchmarking'
  /**
   * Everything else with no business being a worker: `240/4`, `192.0.0/24`, the deprecated 6to4
   * relay anycast, `100::/64`, `2001::/23` (Teredo, ORCHID...), site-local `fec0::/10`, and all IPv6
   * outside `2000::/3` that no rule above names.
   */
  | 'reserved';

/**
 * Classes that no allow-list lifts: allow-listing `169.254.0.0/16` or `100.64.0.0/10` for a pod
 * network must not open the metadata endpoints inside them, and `0.0.0.0`, multicast and
 * broadcast are never a worker.
 */
export const NEVER_ALLOWED_ADDRESS_CLASSES: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'metadata',
  'unspecified',
  'multicast',
  'broadcast',
]);

const BITS: Readonly<Record<AddressFamily, number>> = { 4: 32, 6: 128 };
const IPV4_MAX = 0xffff_ffffn;
/** Longest text worth parsing: defeats megabyte "addresses" before BigInt sees them. */
const MAX_ADDRESS_TEXT = 64;

/**
 * One inet_aton part: `0x` hex, leading-zero octal or decimal. WHATWG and glibc agree on these
 * three radixes; `08` is neither and fails, as it does in both.
 */
function parseIpv4Part(part: string): bigint | null {
  if (/^0[xX][0-9a-fA-F]*$/.test(part))
    return part.length === 2 ? 0n : BigInt(`0x${part.slice(2)}`);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return null;
}

/**
 * IPv4 in every form the C resolver accepts (inet_aton): one to four parts, the last one filling
 * the remaining bits (`127.1` is `127.0.0.1`, `2130706433` too), each part decimal, octal or hex,
 * and one trailing dot as WHATWG allows. Read this way because a host string that `net` does not
 * take for an IP goes to getaddrinfo, which reads it exactly like this.
 */
function parseIpv4(text: string): IpAddress | null {
  const body = text.endsWith('.') ? text.slice(0, -1) : text;
  const parts = body.split('.');
  if (parts.length > 4) return null;
  const numbers: bigint[] = [];
  for (const part of parts) {
    const n = parseIpv4Part(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const lastBits = BigInt(32 - 8 * (numbers.length - 1));
  let value = 0n;
  for (const [i, n] of numbers.entries()) {
    const isLast = i === numbers.length - 1;
    if (n > (isLast ? (1n << lastBits) - 1n : 255n)) return null;
    value = isLast ? (value << lastBits) | n : (value << 8n) | n;
  }
  return { family: 4, value };
}

/** The dotted quad inside an IPv6 text: strict decimal, no leading zeros (RFC 4291, WHATWG). */
function parseDottedQuadStrict(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const n = BigInt(part);
    if (n > 255n) return null;
    value = (value << 8n) | n;
  }
  return value;
}

function parseHexGroups(text: string): bigint[] | null {
  if (text === '') return [];
  const groups: bigint[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    groups.push(BigInt(`0x${group}`));
  }
  return groups;
}

/** IPv6 with `::`, an embedded dotted quad, optional brackets and an optional `%zone` (ignored). */
function parseIpv6(input: string): IpAddress | null {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone !== -1) {
    if (zone === text.length - 1) return null;
    text = text.slice(0, zone);
  }
  text = text.toLowerCase();
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const quad = parseDottedQuadStrict(text.slice(lastColon + 1));
    if (quad === null) return null;
    tail = [quad >> 16n, quad & 0xffffn];
    // Drop the colon before the quad unless it belongs to a `::` (`::1.2.3.4`).
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = parseHexGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseHexGroups(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  const explicit = [...head, ...rest, ...tail];
  if (halves.length === 2 ? explicit.length > 7 : explicit.length !== 8) return null;
  const groups = [...head, ...Array<bigint>(8 - explicit.length).fill(0n), ...rest, ...tail];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | g;
  return { family: 6, value };
}

/**
 * Parses an IPv4 address (any inet_aton form) or an IPv6 address (brackets and `%zone` allowed);
 * `null` when the text is not an address (a host name, say).
 */
export function parseIpAddress(text: string): IpAddress | null {
  if (text.length === 0 || text.length > MAX_ADDRESS_TEXT) return null;
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (`::ffff:a.b.c.d` for IPv4-mapped). */
export function formatIpAddress(ip: IpAddress): string {
  if (ip.family === 4) return formatIpv4(ip.value);
  if (ip.value >> 32n === 0xffffn) return `::ffff:${formatIpv4(ip.value & IPV4_MAX)}`;
  const groups = Array.from({ length: 8 }, (_, i) => (ip.value >> BigInt(112 - 16 * i)) & 0xffffn);
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0n) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0n) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function toAddress(ip: string | IpAddress): IpAddress | null {
  return typeof ip === 'string' ? parseIpAddress(ip) : ip;
}

// ---------------------------------------------------------------------------------------------
// CIDR blocks
// ---------------------------------------------------------------------------------------------

/** A CIDR block; IPv4-mapped IPv6 blocks (`::ffff:10.0.0.0/104`) are stored as their IPv4 block. */
export interface Cidr {
  readonly family: AddressFamily;
  /** The first address of the block (host bits zero). */
  readonly base: bigint;
  readonly prefixLength: number;
  /** Canonical text, e.g. `10.0.0.0/8`. */
  readonly text: string;
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is the same socket target as its IPv4 address. */
function unmapIpv4(ip: IpAddress): IpAddress {
  return ip.family === 6 && ip.value >> 32n === 0xffffn
    ? { family: 4, value: ip.value & IPV4_MAX }
    : ip;
}

function tryParseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  // A CIDR is configuration: only the canonical dotted quad, not the inet_aton shorthands.
  const parsed = addressText.includes(':')
    ? parseIpAddress(addressText)
    : parseDottedQuadStrict(addressText) === null
      ? null
      : parseIpAddress(addressText);
  if (parsed === null) return `"${addressText}" is not an IP address`;
  const bits = BITS[parsed.family];
  const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits)
    return `prefix length must be an integer in [0, ${bits}]`;
  const prefixLength = Number(prefixText);
  const hostBits = BigInt(bits - prefixLength);
  if ((parsed.value & ((1n << hostBits) - 1n)) !== 0n)
    return `has host bits set: did you mean ${formatIpAddress({ family: parsed.family, value: (parsed.value >> hostBits) << hostBits })}/${prefixLength}?`;
  const mapped = parsed.family === 6 && prefixLength >= 96 && parsed.value >> 32n === 0xffffn;
  const cidr = mapped
    ? { family: 4 as const, base: parsed.value & IPV4_MAX, prefixLength: prefixLength - 96 }
    : { family: parsed.family, base: parsed.value, prefixLength };
  return {
    ...cidr,
    text: `${formatIpAddress({ family: cidr.family, value: cidr.base })}/${cidr.prefixLength}`,
  };
}

/**
 * Parses `address/prefix`, or a bare address as a single-host block. Host bits must be zero
 * (`10.1.2.3/8` is refused with the block it probably meant): a typo in an allow-list should fail
 * loudly, not silently allow more or less than written.
 * @throws RegistryError `REGISTRY.INVALID_OPTION`
 */
export function parseCidr(text: string): Cidr {
  const result = tryParseCidr(text);
  if (typeof result === 'string')
    throw new RegistryError('REGISTRY.INVALID_OPTION', `invalid CIDR "${text}": ${result}`);
  return result;
}

/** Whether the block holds the address (IPv4-mapped addresses count as IPv4); false for non-addresses. */
export function cidrContains(cidr: Cidr, ip: string | IpAddress): boolean {
  const parsed = toAddress(ip);
  if (parsed === null) return false;
  const address = unmapIpv4(parsed);
  if (address.family !== cidr.family) return false;
  const hostBits = BigInt(BITS[cidr.family] - cidr.prefixLength);
  return address.value >> hostBits === cidr.base >> hostBits;
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

function rangeTable(entries: ReadonlyArray<readonly [string, AddressClass]>) {
  // Longest prefix first, so the most specific range decides (metadata inside link-local).
  return entries
    .map(([text, addressClass]) => ({ cidr: parseCidr(text), addressClass }))
    .sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength);
}

const IPV4_RANGES = rangeTable([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier_grade_nat'],
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, Oracle...
  ['169.254.170.2/32', 'metadata'], // ECS task credentials
  ['169.254.170.23/32', 'metadata'], // EKS Pod Identity
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.0.192/32', 'metadata'], // Oracle Cloud (legacy)
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'broadcast'],
]);

const IPV6_RANGES = rangeTable([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64 (RFC 8215): the IPv4 inside depends on local config
  ['100::/64', 'reserved'],
  ['2000::/3', 'public'],
  ['2001::/23', 'reserved'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique_local'],
  ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
  ['fd00:ec2::23/128', 'metadata'], // EKS Pod Identity over IPv6
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'reserved'],
  ['ff00::/8', 'multicast'],
]);

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one: IPv4-mapped `::ffff:0:0/96`,
 * SIIT `::ffff:0:0:0/96`, IPv4-compatible `::/96` (not `::` and `::1`), NAT64 `64:ff9b::/96` and 6to4
 * `2002::/16`. Such an address reaches (or is translated to) that IPv4 host, so it is judged as it:
 * `64:ff9b::10.0.0.1` is as private as `10.0.0.1`.
 */
function embeddedIpv4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6) return null;
  const high96 = ip.value >> 32n;
  const low32 = ip.value & IPV4_MAX;
  const embedded =
    high96 === 0xffffn || // ::ffff:a.b.c.d
    high96 === 0xffff0000n || // ::ffff:0:a.b.c.d
    (high96 === 0n && ip.value > 1n) || // ::a.b.c.d
    high96 === 0x0064_ff9b_0000_0000_0000_0000n; // 64:ff9b::a.b.c.d
  if (embedded) return { family: 4, value: low32 };
  if (ip.value >> 112n === 0x2002n) return { family: 4, value: (ip.value >> 80n) & IPV4_MAX };
  return null;
}

function classifyParsed(ip: IpAddress): AddressClass {
  const inner = embeddedIpv4(ip);
  if (inner !== null) return classifyParsed(inner);
  const table = ip.family === 4 ? IPV4_RANGES : IPV6_RANGES;
  for (const { cidr, addressClass } of table) if (cidrContains(cidr, ip)) return addressClass;
  // IPv4 not named above is routable; IPv6 outside 2000::/3 is unallocated.
  return ip.family === 4 ? 'public' : 'reserved';
}

/**
 * The class of an address (see `AddressClass`), or `null` when the text is not an IP address.
 * IPv6 forms that embed an IPv4 address take the IPv4 address's class.
 */
export function classifyAddress(ip: string | IpAddress): AddressClass | null {
  const parsed = toAddress(ip);
  return parsed === null ? null : classifyParsed(parsed);
}

// ---------------------------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------------------------

export type WorkerUrlScheme = 'http' | 'https';
const SCHEMES: ReadonlySet<string> = new Set<WorkerUrlScheme>(['http', 'https']);

/**
 * What the controller may call. Build it with `createWorkerUrlPolicy`, which validates and parses.
 *
 * - `allowedSchemes`: default `['https']`; `http` only where plaintext is acceptable (tests, a mesh
 *   that encrypts underneath).
 * - `allowedCidrs`: blocks where workers may live although the range is special (private,
 *   loopback, CGNAT pod networks...). Checked against the address actually resolved, at
 *   registration and again at connect time. Never lifts `NEVER_ALLOWED_ADDRESS_CLASSES`.
 * - `allowedHosts`: a host allow-list that only RESTRICTS. Empty (default) accepts any host
 *   name; otherwise the host must equal an entry or, for `*.example.com`, be a subdomain of it.
 *   It never exempts a host from the address checks: a trusted name is exactly what DNS
 *   rebinding abuses, so only addresses (`allowedCidrs`) are ever trusted.
 */
export interface WorkerUrlPolicy {
  readonly allowedSchemes: readonly WorkerUrlScheme[];
  readonly allowedCidrs: readonly Cidr[];
  readonly allowedHosts: readonly string[];
}

export interface WorkerUrlPolicyOptions {
  readonly allowedSchemes?: readonly string[];
  readonly allowedCidrs?: readonly string[];
  readonly allowedHosts?: readonly string[];
}

/** ASCII (punycode) host names, optionally `*.`-prefixed; IDN hosts must be listed in punycode. */
const HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Validates and parses a policy.
 * @throws RegistryError `REGISTRY.INVALID_OPTION` with one field error per bad entry.
 */
export function createWorkerUrlPolicy(options: WorkerUrlPolicyOptions = {}): WorkerUrlPolicy {
  const errors: FieldError[] = [];
  const schemes = options.allowedSchemes ?? ['https'];
  if (schemes.length === 0) errors.push({ path: 'allowedSchemes', message: 'must not be empty' });
  schemes.forEach((scheme, i) => {
    if (!SCHEMES.has(scheme))
      errors.push({ path: `allowedSchemes[${i}]`, message: 'must be "http" or "https"' });
  });
  const cidrs: Cidr[] = [];
  (options.allowedCidrs ?? []).forEach((text, i) => {
    const result = tryParseCidr(text);
    if (typeof result === 'string') errors.push({ path: `allowedCidrs[${i}]`, message: result });
    else cidrs.push(result);
  });
  const hosts = (options.allowedHosts ?? []).map((host) => host.toLowerCase().replace(/\.$/, ''));
  hosts.forEach((host, i) => {
    if (!HOST_PATTERN.test(host))
      errors.push({
        path: `allowedHosts[${i}]`,
        message: 'must be a host name in ASCII, optionally starting with "*."',
      });
  });
  if (errors.length > 0)
    throw new RegistryError(
      'REGISTRY.INVALID_OPTION',
      `invalid worker URL policy: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      errors,
    );
  return Object.freeze({
    allowedSchemes: Object.freeze([...new Set(schemes)] as WorkerUrlScheme[]),
    allowedCidrs: Object.freeze(cidrs),
    allowedHosts: Object.freeze(hosts),
  });
}

/** https only, no allow-listed range, any host name. */
export const DEFAULT_WORKER_URL_POLICY: WorkerUrlPolicy = createWorkerUrlPolicy();

// ---------------------------------------------------------------------------------------------
// Verdicts
// ---------------------------------------------------------------------------------------------

export type AddressDecision =
  | {
      readonly allowed: true;
      readonly address: string;
      readonly addressClass: AddressClass;
      /** True when a special range was lifted by `allowedCidrs`. */
      readonly allowListed: boolean;
    }
  | {
      readonly allowed: false;
      readonly address: string;
      /** `null` when the text is not an IP address at all. */
      readonly addressClass: AddressClass | null;
      readonly detail: string;
    };

/**
 * Whether the controller may connect to this address under the policy: public addresses yes;
 * `NEVER_ALLOWED_ADDRESS_CLASSES` never; other special ranges only inside `allowedCidrs` (an
 * address that embeds an IPv4 address is allowed when either it or its IPv4 address is listed).
 */
export function evaluateAddress(ip: string | IpAddress, policy: WorkerUrlPolicy): AddressDecision {
  const parsed = toAddress(ip);
  const text = typeof ip === 'string' ? ip : formatIpAddress(ip);
  if (parsed === null)
    return {
      allowed: false,
      address: text,
      addressClass: null,
      detail: `${text} is not an IP address`,
    };
  const addressClass = classifyParsed(parsed);
  const address = formatIpAddress(parsed);
  if (addressClass === 'public')
    return { allowed: true, address, addressClass, allowListed: false };
  if (NEVER_ALLOWED_ADDRESS_CLASSES.has(addressClass))
    return {
      allowed: false,
      address,
      addressClass,
      detail: `${address} is ${addressClass}, which no allow-list opens`,
    };
  const inner = embeddedIpv4(parsed);
  const listed = policy.allowedCidrs.some(
    (cidr) => cidrContains(cidr, parsed) || (inner !== null && cidrContains(cidr, inner)),
  );
  if (listed) return { allowed: true, address, addressClass, allowListed: true };
  return {
    allowed: false,
    address,
    addressClass,
    detail: `${address} is ${addressClass} and not in allowedCidrs`,
  };
}

export type WorkerUrlSyntaxRejection =
  'invalid_url' | 'scheme_not_allowed' | 'credentials_in_url' | 'forbidden_address';

export type WorkerUrlSyntaxVerdict =
  | {
      readonly ok: true;
      /** The WHATWG-normalised URL (`http://2130706433` becomes `http://127.0.0.1/`). */
      readonly url: string;
      readonly scheme: WorkerUrlScheme;
      /** Host without IPv6 brackets, as a connect call takes it. */
      readonly hostname: string;
      /** The port, the scheme's default filled in. */
      readonly port: number;
      /** The canonical address when the host is an IP literal (already checked); else `null`. */
      readonly address: string | null;
    }
  | { readonly ok: false; readonly reason: WorkerUrlSyntaxRejection; readonly detail: string };

/** Longest worker URL accepted; a registration field, not a place for payloads. */
export const MAX_WORKER_URL_LENGTH = 2048;
const MAX_HOSTNAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const DEFAULT_PORTS: Readonly<Record<WorkerUrlScheme, number>> = { http: 80, https: 443 };
/** RFC 6761: `localhost` and its subdomains are loopback by definition, whatever DNS says. */
const LOOPBACK_NAME = /(^|\.)localhost\.?$/;

function hostAllowed(hostname: string, policy: WorkerUrlPolicy): boolean {
  if (policy.allowedHosts.length === 0) return true;
  const host = hostname.replace(/\.$/, '');
  return policy.allowedHosts.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern,
  );
}

function reject(reason: WorkerUrlSyntaxRejection, detail: string): WorkerUrlSyntaxVerdict {
  return { ok: false, reason, detail };
}

/**
 * Everything about a worker URL that needs no DNS: parses with WHATWG (so `http://2130706433/`,
 * `http://0x7f.1/` and `http://[::ffff:127.0.0.1]/` arrive as the addresses they are), then:
 * scheme in `allowedSchemes`; no user name or password; no query or fragment (the invoker appends
 * `/invoke` to the path, so a worker URL is a base, nothing else); a non-empty host of legal DNS
 * lengths; port not 0; an IP-literal host (or `localhost`) passes `evaluateAddress`; the host
 * matches `allowedHosts`. Details never repeat the URL, which may carry a secret.
 */
export function checkWorkerUrlSyntax(url: string, policy: WorkerUrlPolicy): WorkerUrlSyntaxVerdict {
  if (url.length > MAX_WORKER_URL_LENGTH)
    return reject('invalid_url', `must be at most ${MAX_WORKER_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return reject('invalid_url', 'is not an absolute URL');
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (!policy.allowedSchemes.some((allowed) => allowed === scheme))
    return reject(
      'scheme_not_allowed',
      `scheme ${scheme} is not allowed (allowed: ${policy.allowedSchemes.join(', ')})`,
    );
  const workerScheme = scheme as WorkerUrlScheme;
  if (parsed.username !== '' || parsed.password !== '')
    return reject('credentials_in_url', 'must not carry a user name or password');
  // `href` keeps an empty `?` or `#` that `search` and `hash` report as ''.
  if (parsed.href.includes('#')) return reject('invalid_url', 'must not have a fragment');
  if (parsed.href.includes('?')) return reject('invalid_url', 'must not have a query');
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') return reject('invalid_url', 'must have a host');
  if (parsed.port === '0') return reject('invalid_url', 'port 0 cannot be connected to');
  const port = parsed.port === '' ? DEFAULT_PORTS[workerScheme] : Number(parsed.port);
  if (!hostAllowed(hostname, policy))
    return reject('forbidden_address', `host ${hostname} is not in allowedHosts`);
  const literal = parseIpAddress(hostname);
  if (literal !== null) {
    const decision = evaluateAddress(literal, policy);
    if (!decision.allowed) return reject('forbidden_address', decision.detail);
    return {
      ok: true,
      url: parsed.href,
      scheme: workerScheme,
      hostname,
      port,
      address: decision.address,
    };
  }
  if (
    hostname.length > MAX_HOSTNAME_LENGTH ||
    hostname.split('.').some((l) => l.length > MAX_LABEL_LENGTH)
  )
    return reject('invalid_url', 'host name exceeds DNS length limits');
  if (LOOPBACK_NAME.test(hostname)) {
    const decision = evaluateAddress('127.0.0.1', policy);
    if (!decision.allowed)
      return reject('forbidden_address', `${hostname} is loopback by definition`);
  }
  return { ok: true, url: parsed.href, scheme: workerScheme, hostname, port, address: null };
}

export type ResolvedAddressesVerdict =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | {
      readonly ok: false;
      readonly reason: 'forbidden_address' | 'unresolvable_host';
      readonly detail: string;
    };

/**
 * The verdict on everything a host name resolved to: refused if ANY address is forbidden, since
 * the connection may use any of them (and an attacker controls which one comes first).
 */
export function checkResolvedAddresses(
  addresses: readonly string[],
  policy: WorkerUrlPolicy,
): ResolvedAddressesVerdict {
  if (addresses.length === 0)
    return { ok: false, reason: 'unresolvable_host', detail: 'the host resolved to no address' };
  const refused: string[] = [];
  for (const address of addresses) {
    const decision = evaluateAddress(address, policy);
    if (!decision.allowed) refused.push(decision.detail);
  }
  if (refused.length > 0)
    return { ok: false, reason: 'forbidden_address', detail: refused.join('; ') };
  return { ok: true, addresses: [...addresses] };
}
