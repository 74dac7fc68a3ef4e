import { RegistryError } from './errors';

/** Per-capability canary policy (spec 003). */
export interface CanaryPolicy {
  readonly stableVersion: string;
  readonly canaryVersion: string;
  /** Share of routing keys sent to the canary, 0–100, resolution 0.01. */
  readonly percentage: number;
  /** Routing keys always on the canary, whatever the percentage. */
  readonly cohort?: readonly string[];
  /** Serve every key from stable and mirror the canary share to the canary, ignoring its answer. */
  readonly darkLaunch?: boolean;
  /** Mixed into the hash so two capabilities at the same percentage pick different keys. */
  readonly salt?: string;
}

export interface CanaryAssignment {
  /** The side whose answer is used. */
  readonly side: 'stable' | 'canary';
  /** The version to route to for the answer. */
  readonly version: string;
  /** In dark-launch mode, the version to mirror the request to (answer discarded). */
  readonly mirrorVersion?: string;
  /** Why the key is (or, in dark launch, would be) on its side. */
  readonly reason: 'cohort' | 'percentage';
}

/** Number of buckets a routing key hashes into (0.01 % resolution). */
export const CANARY_BUCKETS = 10_000;

/**
 * 32-bit FNV-1a over the UTF-16 code units of `input`, finished with murmur3's fmix32 so that
 * similar keys ("device-1", "device-2") spread evenly over the low bits. Pure and deterministic.
 */
export function hash32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Throws `REGISTRY.INVALID_OPTION` unless the policy is well-formed. */
export function validateCanaryPolicy(policy: CanaryPolicy): void {
  const fail = (msg: string) =>
    new RegistryError('REGISTRY.INVALID_OPTION', `canary policy: ${msg}`);
  if (typeof policy.stableVersion !== 'string' || policy.stableVersion === '')
    throw fail('stableVersion must be a non-empty string');
  if (typeof policy.canaryVersion !== 'string' || policy.canaryVersion === '')
    throw fail('canaryVersion must be a non-empty string');
  if (
    typeof policy.percentage !== 'number' ||
    !(policy.percentage >= 0 && policy.percentage <= 100)
  )
    throw fail(`percentage must be within 0–100, got ${String(policy.percentage)}`);
  if (
    policy.cohort !== undefined &&
    !(Array.isArray(policy.cohort) && policy.cohort.every((k) => typeof k === 'string'))
  )
    throw fail('cohort must be an array of strings');
}

/** The key's bucket in [0, CANARY_BUCKETS). */
export function canaryBucket(routingKey: string, salt = ''): number {
  return hash32(`${salt}\u0000${routingKey}`) % CANARY_BUCKETS;
}

/**
 * Sticky canary assignment: a key in `cohort` is canary; otherwise it is canary when its hash
 * bucket falls below `percentage`. The same policy and key always give the same answer, and
 * raising the percentage only moves keys from stable to canary. In dark-launch mode the answer
 * always comes from stable and canary-side keys get `mirrorVersion`.
 */
export function assignCanary(policy: CanaryPolicy, routingKey: string): CanaryAssignment {
  validateCanaryPolicy(policy);
  const inCohort = policy.cohort?.includes(routingKey) ?? false;
  const reason = inCohort ? 'cohort' : 'percentage';
  const canary =
    inCohort ||
    canaryBucket(routingKey, policy.salt) < Math.round(policy.percentage * (CANARY_BUCKETS / 100));
  if (policy.darkLaunch === true)
    return canary
      ? {
          side: 'stable',
          version: policy.stableVersion,
          mirrorVersion: policy.canaryVersion,
          reason,
        }
      : { side: 'stable', version: policy.stableVersion, reason };
  return canary
    ? { side: 'canary', version: policy.canaryVersion, reason }
    : { side: 'stable', version: policy.stableVersion, reason };
}
