import type { CapabilitySlo } from './types';

/** What a requester asks of a worker's declared SLO: latencies are maxima, availability a minimum. */
export interface SloConstraints {
  readonly latency_p50_ms?: number;
  readonly latency_p95_ms?: number;
  readonly latency_p99_ms?: number;
  readonly availability?: number;
}

const LATENCIES = ['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms'] as const;

/**
 * Checks a declared SLO against constraints. Returns undefined when it satisfies every one, else
 * the first reason it does not. A constraint on a field the worker does not declare is unmet.
 */
export function matchesSlo(
  declared: CapabilitySlo | undefined,
  wanted: SloConstraints,
): string | undefined {
  for (const field of LATENCIES) {
    const max = wanted[field];
    if (max === undefined) continue;
    const have = declared?.[field];
    if (have === undefined) return `declares no ${field}`;
    if (have > max) return `${field} ${have} > ${max}`;
  }
  if (wanted.availability !== undefined) {
    const have = declared?.availability;
    if (have === undefined) return 'declares no availability';
    if (have < wanted.availability) return `availability ${have} < ${wanted.availability}`;
  }
  return undefined;
}
