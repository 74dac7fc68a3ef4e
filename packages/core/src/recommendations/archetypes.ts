/**
 * Service archetypes (spec 004 FR-2 cold start): what to recommend for a service without 30 days
 * of history, and the baseline feature attributions are measured against.
 */
import { type ServiceNode } from '../graph/graph.types';
import { type ServiceArchetype } from './recommendation.types';

export interface ArchetypeBaseline {
  readonly archetype: ServiceArchetype;
  readonly label: string;
  /** Availability as a ratio. */
  readonly availability: number;
  /** p99 latency in ms. */
  readonly p99LatencyMs: number;
}

/**
 * The specification's baselines, plus data pipelines (its list names the archetype without
 * numbers): batch and stream processors tolerate retries and minutes of delay, so they get the
 * external-integration availability and a 5 s p99, which covers a pipeline stage's request
 * handling, not its end-to-end freshness (a freshness SLO is a different SLI).
 */
export const ARCHETYPE_BASELINES: Readonly<Record<ServiceArchetype, ArchetypeBaseline>> =
  Object.freeze({
    api_gateway: {
      archetype: 'api_gateway',
      label: 'API gateway',
      availability: 0.9995,
      p99LatencyMs: 200,
    },
    backend_service: {
      archetype: 'backend_service',
      label: 'backend service',
      availability: 0.999,
      p99LatencyMs: 500,
    },
    external_integration: {
      archetype: 'external_integration',
      label: 'external integration',
      availability: 0.995,
      p99LatencyMs: 2000,
    },
    data_pipeline: {
      archetype: 'data_pipeline',
      label: 'data pipeline',
      availability: 0.995,
      p99LatencyMs: 5000,
    },
  });

const ARCHETYPES = Object.keys(ARCHETYPE_BASELINES) as ServiceArchetype[];
const PIPELINE_HINT = /(pipeline|etl|batch|stream|ingest|worker|consumer)/i;
const GATEWAY_HINT = /gateway|\bedge\b|ingress|\bbff\b/i;

/**
 * The archetype of a service from its metadata: an explicit `archetype` wins; external services
 * are external integrations; a name or `kind`/`role` mentioning a gateway (or an edge/BFF) is an
 * API gateway; one mentioning a pipeline, ETL, batch, stream or consumer is a data pipeline;
 * anything else is a backend service.
 */
export function archetypeOf(
  service: Pick<ServiceNode, 'serviceId' | 'metadata' | 'serviceType'>,
): ServiceArchetype {
  const declared = service.metadata.archetype;
  if (typeof declared === 'string' && (ARCHETYPES as string[]).includes(declared)) {
    return declared as ServiceArchetype;
  }
  if (service.serviceType === 'external') return 'external_integration';
  const hints = [service.serviceId, service.metadata.kind, service.metadata.role]
    .filter((value): value is string => typeof value === 'string')
    .join(' ');
  if (GATEWAY_HINT.test(hints)) return 'api_gateway';
  if (PIPELINE_HINT.test(hints)) return 'data_pipeline';
  return 'backend_service';
}
