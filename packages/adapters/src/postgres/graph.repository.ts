import {
  type ActiveGraph,
  type ApplySubmissionOptions,
  type ApplySubmissionResult,
  type AttributeConflict,
  type DependencyEdge,
  type DiscoverySource,
  type EdgeAttributes,
  type EffectiveEdge,
  GraphRepository,
  type GraphSubmission,
  type Page,
  type PageRequest,
  type ServiceFilter,
  type ServiceNode,
} from '@slo-engine/core';
import { createHash } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import {
  type EdgeAttributeRow,
  type EdgeObservationRow,
  SERVICE_COLUMNS,
  type ServiceRow,
  toDependencyEdge,
  toServiceNode,
} from './row-mappers';
import { arrayLiteral, decodeCursor, encodeCursor, inTransaction, rows } from './sql';

export interface PostgresGraphRepositoryOptions {
  /**
   * `last_observed_at` of an unchanged edge is rewritten only when the new observation is later by
   * more than this (default 1 hour), so re-syncing an unchanged graph writes nothing. Staleness
   * is measured in days, so an observation time up to this much behind is harmless.
   */
  readonly observationResolutionMs?: number;
  /**
   * Recognise a re-sync whose content equals the source's last applied submission while the graph
   * is unchanged since, and skip the row-by-row comparison (default true). The outcome is the
   * same either way; false exists to test exactly that.
   */
  readonly shortcutUnchangedResyncs?: boolean;
}

const HOUR_MS = 3_600_000;
/** work_mem for the ingestion transaction only (`set_config(..., is_local => true)`). */
const WORK_MEM = '64MB';

/** Attributes compared between sources, in the order conflicts are reported. */
const CONFLICT_ATTRIBUTES: ReadonlyArray<[keyof EdgeAttributes, keyof EdgeAttributeRow]> = [
  ['communicationMode', 'communication_mode'],
  ['criticality', 'criticality'],
  ['protocol', 'protocol'],
  ['timeoutMs', 'timeout_ms'],
  ['retryConfig', 'retry_config'],
  ['redundancyGroup', 'redundancy_group'],
];

const UPSERT_NODES = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::jsonb[]) AS i(service_id, metadata)
),
changed AS (
  -- Metadata merges key by key, so a source that sends only some keys keeps the others.
  SELECT i.service_id, COALESCE(s.metadata || i.metadata, i.metadata) AS metadata
  FROM input i
  LEFT JOIN services s ON s.service_id = i.service_id
  WHERE s.id IS NULL OR s.discovered OR s.metadata IS DISTINCT FROM s.metadata || i.metadata
)
INSERT INTO services AS s
  (service_id, metadata, team, criticality, service_type, discovered, created_at, updated_at)
SELECT service_id, metadata, metadata->>'team',
       COALESCE((metadata->>'criticality')::service_criticality, 'medium'),
       COALESCE((metadata->>'serviceType')::service_type, 'internal'),
       false, $3, $3
FROM changed
ON CONFLICT (service_id) DO UPDATE SET
  metadata = EXCLUDED.metadata, team = EXCLUDED.team, criticality = EXCLUDED.criticality,
  service_type = EXCLUDED.service_type, discovered = false, updated_at = EXCLUDED.updated_at
RETURNING (xmax = 0) AS inserted`;

const INSERT_PLACEHOLDERS = `
INSERT INTO services (service_id, discovered, created_at, updated_at)
SELECT unnest($1::text[]), true, $2, $2
ON CONFLICT (service_id) DO NOTHING
RETURNING service_id`;

/**
 * Compares the submitted edges with this source's stored rows first, then writes only new rows,
 * changed (or stale) rows and rows whose observation time is due a refresh: an unchanged re-sync
 * writes (and locks) nothing.
 */
const UPSERT_EDGES = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::communication_mode[],
                       $4::dependency_criticality[], $5::text[], $6::int[], $7::jsonb[], $8::text[],
                       $9::float8[])
    AS i(source, target, communication_mode, criticality, protocol, timeout_ms, retry_config,
         redundancy_group, confidence_score)
),
compared AS (
  SELECT src.id AS source_service_id, tgt.id AS target_service_id, i.communication_mode,
         i.criticality, i.protocol, i.timeout_ms, i.retry_config, i.redundancy_group,
         i.confidence_score,
         d.id IS NULL AS is_new,
         d.id IS NOT NULL AND (d.is_stale OR
           (d.communication_mode, d.criticality, d.protocol, d.timeout_ms, d.retry_config,
            d.redundancy_group, d.confidence_score)
           IS DISTINCT FROM
           (i.communication_mode, i.criticality, i.protocol, i.timeout_ms, i.retry_config,
            i.redundancy_group, i.confidence_score)) AS is_changed,
         d.id IS NOT NULL AND d.last_observed_at < $12 AS is_due
  FROM input i
  JOIN services src ON src.service_id = i.source
  JOIN services tgt ON tgt.service_id = i.target
  LEFT JOIN service_dependencies d
    ON d.source_service_id = src.id AND d.target_service_id = tgt.id
   AND d.discovery_source = $10::discovery_source
),
written AS (
  INSERT INTO service_dependencies AS d
    (source_service_id, target_service_id, discovery_source, communication_mode, criticality,
     protocol, timeout_ms, retry_config, redundancy_group, confidence_score, last_observed_at,
     is_stale, created_at, updated_at)
  SELECT source_service_id, target_service_id, $10::discovery_source, communication_mode,
         criticality, protocol, timeout_ms, retry_config, redundancy_group, confidence_score, $11,
         false, $13, $13
  FROM compared
  WHERE is_new OR is_changed OR is_due
  -- In key order, so the index insertions walk each B-tree instead of hopping across it.
  ORDER BY source_service_id, target_service_id
  ON CONFLICT (source_service_id, target_service_id, discovery_source) DO UPDATE SET
    communication_mode = EXCLUDED.communication_mode, criticality = EXCLUDED.criticality,
    protocol = EXCLUDED.protocol, timeout_ms = EXCLUDED.timeout_ms,
    retry_config = EXCLUDED.retry_config, redundancy_group = EXCLUDED.redundancy_group,
    confidence_score = EXCLUDED.confidence_score,
    last_observed_at = GREATEST(d.last_observed_at, EXCLUDED.last_observed_at),
    is_stale = false, updated_at = EXCLUDED.updated_at
  RETURNING 1
)
SELECT count(*) FILTER (WHERE is_new)::int AS created,
       count(*) FILTER (WHERE is_changed)::int AS updated,
       count(*) FILTER (WHERE NOT is_new AND NOT is_changed)::int AS unchanged,
       (SELECT count(*)::int FROM written) AS written
FROM compared`;

/**
 * True when this source's last applied submission had the same content, nothing in the graph has
 * changed since (same version), no edge of the source is stale, and none is due an observation
 * refresh: applying the submission again would then write nothing.
 */
const UNCHANGED_RESYNC = `
SELECT EXISTS (
  SELECT 1 FROM graph_source_digests
  WHERE discovery_source = $1::discovery_source AND content_digest = $2 AND graph_version = $3
    AND oldest_observation_at >= $4
) AS unchanged`;

/** Remembers what the shortcut above needs, after a full apply (and any version bump). */
const RECORD_DIGEST = `
INSERT INTO graph_source_digests
  (discovery_source, content_digest, graph_version, oldest_observation_at, updated_at)
SELECT $1::discovery_source, $2, (SELECT version FROM graph_state),
       CASE WHEN bool_or(d.is_stale) THEN NULL
            ELSE COALESCE(min(d.last_observed_at), 'infinity') END,
       $3
FROM service_dependencies d
WHERE d.discovery_source = $1::discovery_source
ON CONFLICT (discovery_source) DO UPDATE SET
  content_digest = EXCLUDED.content_digest, graph_version = EXCLUDED.graph_version,
  oldest_observation_at = EXCLUDED.oldest_observation_at, updated_at = EXCLUDED.updated_at
RETURNING 1`;

const MARK_STALE = `
WITH marked AS (
  UPDATE service_dependencies SET is_stale = true, updated_at = $2
  WHERE NOT is_stale AND last_observed_at < $1
  RETURNING 1
)
SELECT count(*)::int AS count FROM marked`;

const OTHER_SOURCES_EXIST = `
SELECT EXISTS (
  SELECT 1 FROM service_dependencies WHERE NOT is_stale AND discovery_source <> $1::discovery_source
) AS exists`;

/** Every live observation of the touched pairs that more than one source observes. */
const MULTI_SOURCE_OBSERVATIONS = `
WITH pairs AS (
  SELECT i.source, i.target, src.id AS source_service_id, tgt.id AS target_service_id
  FROM unnest($1::text[], $2::text[]) AS i(source, target)
  JOIN services src ON src.service_id = i.source
  JOIN services tgt ON tgt.service_id = i.target
)
SELECT p.source, p.target, d.discovery_source, d.communication_mode, d.criticality, d.protocol,
       d.timeout_ms, d.retry_config, d.redundancy_group
FROM pairs p
JOIN service_dependencies d
  ON d.source_service_id = p.source_service_id AND d.target_service_id = p.target_service_id
WHERE NOT d.is_stale
  AND EXISTS (
    SELECT 1 FROM service_dependencies o
    WHERE o.source_service_id = p.source_service_id AND o.target_service_id = p.target_service_id
      AND o.discovery_source <> d.discovery_source AND NOT o.is_stale)
ORDER BY p.source, p.target, d.discovery_source`;

/**
 * Every live observation in (source, target, priority) order (the unique index's order). Merged per pair in JavaScript, which is cheaper than window functions here; the time
 * travels as epoch milliseconds because parsing 50,000 timestamptz strings costs more than the
 * query.
 */
const LIVE_OBSERVATIONS = `
SELECT d.source_service_id, d.target_service_id, d.discovery_source, d.communication_mode,
       d.criticality, d.protocol, d.timeout_ms, d.retry_config, d.redundancy_group,
       d.confidence_score,
       floor(extract(epoch FROM d.last_observed_at) * 1000)::float8 AS last_observed_ms
FROM service_dependencies d
WHERE NOT d.is_stale
ORDER BY d.source_service_id, d.target_service_id, d.discovery_source`;

interface LiveObservationRow extends EdgeAttributeRow {
  readonly source_service_id: string;
  readonly target_service_id: string;
  readonly discovery_source: DiscoverySource;
  readonly confidence_score: number;
  readonly last_observed_ms: number;
}

interface ConflictRow extends EdgeAttributeRow {
  readonly source: string;
  readonly target: string;
  readonly discovery_source: DiscoverySource;
}

type SubmittedEdge = GraphSubmission['edges'][number];

/**
 * The dependency graph in PostgreSQL. Bound to an EntityManager: the DataSource's own manager for
 * standalone use, a transaction's manager inside {@link PostgresUnitOfWork}.
 */
export class PostgresGraphRepository extends GraphRepository {
  private readonly observationResolutionMs: number;
  private readonly shortcutUnchangedResyncs: boolean;

  constructor(
    private readonly manager: EntityManager,
    options: PostgresGraphRepositoryOptions = {},
  ) {
    super();
    this.observationResolutionMs = options.observationResolutionMs ?? HOUR_MS;
    this.shortcutUnchangedResyncs = options.shortcutUnchangedResyncs ?? true;
  }

  override async applySubmission(
    submission: GraphSubmission,
    options: ApplySubmissionOptions,
  ): Promise<ApplySubmissionResult> {
    return inTransaction(this.manager, async (manager) => {
      // One ingestion at a time: the row lock serialises writers (no upsert deadlocks, exact
      // counts) and is released at commit. Readers never wait for it.
      const [{ version }] = await rows<{ version: string }>(
        manager,
        'SELECT version FROM graph_state FOR UPDATE',
      );
      const nodes = lastNodePerId(submission.nodes);
      const edges = lastEdgePerPair(submission.edges);
      const digest = this.shortcutUnchangedResyncs
        ? contentDigest(submission.source, nodes, edges)
        : null;
      if (digest !== null) {
        const [{ unchanged }] = await rows<{ unchanged: boolean }>(manager, UNCHANGED_RESYNC, [
          submission.source,
          digest,
          version,
          new Date(submission.observedAt.getTime() - this.observationResolutionMs),
        ]);
        if (unchanged) return applyUnchanged(manager, submission.source, edges, options);
      }
      // Hash joins over 50,000 submitted edges stay in memory instead of spilling to disk.
      await rows(manager, `SELECT set_config('work_mem', $1, true)`, [WORK_MEM]);

      const nodeIds = new Set(nodes.map((node) => node.serviceId));
      const unknownEndpoints = new Set<string>();
      for (const { source, target } of edges) {
        if (!nodeIds.has(source)) unknownEndpoints.add(source);
        if (!nodeIds.has(target)) unknownEndpoints.add(target);
      }

      const nodeWrites =
        nodes.length === 0
          ? []
          : await rows<{ inserted: boolean }>(manager, UPSERT_NODES, [
              arrayLiteral(nodes.map((node) => node.serviceId)),
              arrayLiteral(nodes.map((node) => JSON.stringify(node.metadata))),
              options.now,
            ]);
      const servicesCreated = nodeWrites.filter((row) => row.inserted).length;
      const servicesUpdated = nodeWrites.length - servicesCreated;

      const placeholdersCreated =
        unknownEndpoints.size === 0
          ? []
          : (
              await rows<{ service_id: string }>(manager, INSERT_PLACEHOLDERS, [
                arrayLiteral([...unknownEndpoints]),
                options.now,
              ])
            )
              .map((row) => row.service_id)
              .sort();

      const edgeCounts =
        edges.length === 0
          ? { created: 0, updated: 0, unchanged: 0, written: 0 }
          : await this.upsertEdges(manager, submission, edges, options);

      const edgesMarkedStale = await markStale(manager, options);

      const conflicts =
        edges.length === 0 ? [] : await findConflicts(manager, submission.source, edges);

      const changed =
        nodeWrites.length + placeholdersCreated.length + edgeCounts.written + edgesMarkedStale > 0;
      if (changed) await bumpVersion(manager, options.now);
      if (digest !== null) {
        await rows(manager, RECORD_DIGEST, [submission.source, digest, options.now]);
      }
      return {
        servicesCreated,
        servicesUpdated,
        placeholdersCreated,
        edgesCreated: edgeCounts.created,
        edgesUpdated: edgeCounts.updated,
        edgesUnchanged: edgeCounts.unchanged,
        edgesMarkedStale,
        conflicts,
        changed,
      };
    });
  }

  private async upsertEdges(
    manager: EntityManager,
    submission: GraphSubmission,
    edges: readonly SubmittedEdge[],
    options: ApplySubmissionOptions,
  ): Promise<{ created: number; updated: number; unchanged: number; written: number }> {
    const [counts] = await rows<{
      created: number;
      updated: number;
      unchanged: number;
      written: number;
    }>(manager, UPSERT_EDGES, [
      arrayLiteral(edges.map((edge) => edge.source)),
      arrayLiteral(edges.map((edge) => edge.target)),
      arrayLiteral(edges.map((edge) => edge.attributes.communicationMode ?? 'sync')),
      arrayLiteral(edges.map((edge) => edge.attributes.criticality ?? 'hard')),
      arrayLiteral(edges.map((edge) => edge.attributes.protocol ?? null)),
      arrayLiteral(edges.map((edge) => edge.attributes.timeoutMs ?? null)),
      arrayLiteral(
        edges.map((edge) =>
          edge.attributes.retryConfig ? JSON.stringify(edge.attributes.retryConfig) : null,
        ),
      ),
      arrayLiteral(edges.map((edge) => edge.attributes.redundancyGroup ?? null)),
      arrayLiteral(edges.map((edge) => edge.confidenceScore ?? 1)),
      submission.source,
      submission.observedAt,
      new Date(submission.observedAt.getTime() - this.observationResolutionMs),
      options.now,
    ]);
    return counts;
  }

  override async graphVersion(): Promise<number> {
    const [{ version }] = await rows<{ version: string }>(
      this.manager,
      'SELECT version FROM graph_state',
    );
    return Number(version);
  }

  override async loadActiveGraph(): Promise<ActiveGraph> {
    // One snapshot for the version, the services and the edges.
    return inTransaction(
      this.manager,
      async (manager) => {
        const [{ version }] = await rows<{ version: string }>(
          manager,
          'SELECT version FROM graph_state',
        );
        const serviceRows = await rows<ServiceRow & { id: string }>(
          manager,
          `SELECT id, ${SERVICE_COLUMNS} FROM services ORDER BY service_id`,
        );
        const observations = await rows<LiveObservationRow>(manager, LIVE_OBSERVATIONS);
        const serviceIdByKey = new Map(serviceRows.map((row) => [row.id, row.service_id]));
        const edges = mergeObservations(observations, serviceIdByKey);
        return { version: Number(version), services: serviceRows.map(toServiceNode), edges };
      },
      'REPEATABLE READ',
    );
  }

  override async findService(serviceId: string): Promise<ServiceNode | null> {
    const [row] = await rows<ServiceRow>(
      this.manager,
      `SELECT ${SERVICE_COLUMNS} FROM services WHERE service_id = $1`,
      [serviceId],
    );
    return row ? toServiceNode(row) : null;
  }

  override async listServices(
    filter: ServiceFilter,
    page: PageRequest,
  ): Promise<Page<ServiceNode>> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown): void => {
      parameters.push(value);
      conditions.push(condition(`$${parameters.length}`));
    };
    if (filter.team !== undefined) where((p) => `team = ${p}`, filter.team);
    if (filter.criticality !== undefined) {
      where((p) => `criticality = ${p}::service_criticality`, filter.criticality);
    }
    if (filter.discovered !== undefined) where((p) => `discovered = ${p}`, filter.discovered);
    if (page.cursor !== undefined) {
      const [after] = decodeCursor(page.cursor, 1);
      where((p) => `service_id > ${p}`, after);
    }
    parameters.push(page.limit + 1);
    const found = await rows<ServiceRow>(
      this.manager,
      `SELECT ${SERVICE_COLUMNS} FROM services
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY service_id LIMIT $${parameters.length}`,
      parameters,
    );
    const items = found.slice(0, page.limit).map(toServiceNode);
    const nextCursor =
      found.length > page.limit ? encodeCursor([items[items.length - 1].serviceId]) : null;
    return { items, nextCursor };
  }

  override async edgeObservations(serviceId: string): Promise<readonly DependencyEdge[]> {
    const found = await rows<EdgeObservationRow>(
      this.manager,
      `WITH service AS (SELECT id FROM services WHERE service_id = $1)
       SELECT src.service_id AS source, tgt.service_id AS target, d.discovery_source,
              d.communication_mode, d.criticality, d.protocol, d.timeout_ms, d.retry_config,
              d.redundancy_group, d.confidence_score, d.last_observed_at, d.is_stale
       FROM service_dependencies d
       JOIN services src ON src.id = d.source_service_id
       JOIN services tgt ON tgt.id = d.target_service_id
       WHERE d.source_service_id = (SELECT id FROM service)
          OR d.target_service_id = (SELECT id FROM service)
       ORDER BY src.service_id, tgt.service_id, d.discovery_source`,
      [serviceId],
    );
    return found.map(toDependencyEdge);
  }
}

/**
 * One effective edge per (source, target) from rows sorted by pair then priority: the first row's
 * attributes, every source, the best confidence, the latest observation.
 */
function mergeObservations(
  observations: readonly LiveObservationRow[],
  serviceIdByKey: ReadonlyMap<string, string>,
): EffectiveEdge[] {
  const edges: EffectiveEdge[] = [];
  for (let start = 0; start < observations.length;) {
    const kept = observations[start];
    const discoverySources: DiscoverySource[] = [kept.discovery_source];
    let confidenceScore = kept.confidence_score;
    let lastObservedMs = kept.last_observed_ms;
    let end = start + 1;
    for (
      ;
      end < observations.length &&
      observations[end].source_service_id === kept.source_service_id &&
      observations[end].target_service_id === kept.target_service_id;
      end++
    ) {
      const other = observations[end];
      discoverySources.push(other.discovery_source);
      confidenceScore = Math.max(confidenceScore, other.confidence_score);
      lastObservedMs = Math.max(lastObservedMs, other.last_observed_ms);
    }
    edges.push({
      source: serviceIdByKey.get(kept.source_service_id) ?? kept.source_service_id,
      target: serviceIdByKey.get(kept.target_service_id) ?? kept.target_service_id,
      communicationMode: kept.communication_mode,
      criticality: kept.criticality,
      protocol: kept.protocol,
      timeoutMs: kept.timeout_ms,
      retryConfig: kept.retry_config,
      redundancyGroup: kept.redundancy_group,
      discoverySources,
      confidenceScore,
      lastObservedAt: new Date(lastObservedMs),
    });
    start = end;
  }
  return edges;
}

type SubmittedNode = GraphSubmission['nodes'][number];

/**
 * sha256 of what a submission asks for (source, nodes, edges; not the observation time). Equal
 * content serialised in another key order yields another digest, which only costs the shortcut.
 */
function contentDigest(
  source: DiscoverySource,
  nodes: readonly SubmittedNode[],
  edges: readonly SubmittedEdge[],
): string {
  return createHash('sha256')
    .update(JSON.stringify(source))
    .update(JSON.stringify(nodes))
    .update(JSON.stringify(edges))
    .digest('hex');
}

/**
 * The outcome of a re-sync known to match the stored graph: every edge unchanged, nothing written
 * but the staleness sweep (time moves on), conflicts read as usual.
 */
async function applyUnchanged(
  manager: EntityManager,
  source: DiscoverySource,
  edges: readonly SubmittedEdge[],
  options: ApplySubmissionOptions,
): Promise<ApplySubmissionResult> {
  const edgesMarkedStale = await markStale(manager, options);
  if (edgesMarkedStale > 0) await bumpVersion(manager, options.now);
  return {
    servicesCreated: 0,
    servicesUpdated: 0,
    placeholdersCreated: [],
    edgesCreated: 0,
    edgesUpdated: 0,
    edgesUnchanged: edges.length,
    edgesMarkedStale,
    conflicts: edges.length === 0 ? [] : await findConflicts(manager, source, edges),
    changed: edgesMarkedStale > 0,
  };
}

async function markStale(manager: EntityManager, options: ApplySubmissionOptions): Promise<number> {
  const [{ count }] = await rows<{ count: number }>(manager, MARK_STALE, [
    new Date(options.now.getTime() - options.stalenessWindowMs),
    options.now,
  ]);
  return count;
}

async function bumpVersion(manager: EntityManager, now: Date): Promise<void> {
  await rows(
    manager,
    `WITH bumped AS (UPDATE graph_state SET version = version + 1, updated_at = $1 RETURNING 1)
     SELECT 1 FROM bumped`,
    [now],
  );
}

// A row may be upserted only once per statement, so a submission naming a node or an edge twice
// keeps its last mention. Both return the input itself when nothing repeats (the usual case).

function lastNodePerId(nodes: readonly SubmittedNode[]): readonly SubmittedNode[] {
  const lastIndex = new Map<string, number>();
  nodes.forEach((node, index) => lastIndex.set(node.serviceId, index));
  if (lastIndex.size === nodes.length) return nodes;
  return nodes.filter((node, index) => lastIndex.get(node.serviceId) === index);
}

function lastEdgePerPair(edges: readonly SubmittedEdge[]): readonly SubmittedEdge[] {
  const lastIndex = new Map<string, Map<string, number>>();
  let pairs = 0;
  edges.forEach((edge, index) => {
    let byTarget = lastIndex.get(edge.source);
    if (!byTarget) lastIndex.set(edge.source, (byTarget = new Map<string, number>()));
    if (!byTarget.has(edge.target)) pairs++;
    byTarget.set(edge.target, index);
  });
  if (pairs === edges.length) return edges;
  return edges.filter((edge, index) => lastIndex.get(edge.source)?.get(edge.target) === index);
}

async function findConflicts(
  manager: EntityManager,
  source: DiscoverySource,
  edges: readonly SubmittedEdge[],
): Promise<AttributeConflict[]> {
  const [{ exists }] = await rows<{ exists: boolean }>(manager, OTHER_SOURCES_EXIST, [source]);
  if (!exists) return [];
  const observations = await rows<ConflictRow>(manager, MULTI_SOURCE_OBSERVATIONS, [
    arrayLiteral(edges.map((edge) => edge.source)),
    arrayLiteral(edges.map((edge) => edge.target)),
  ]);
  const conflicts: AttributeConflict[] = [];
  // Rows arrive grouped by pair, highest priority first.
  for (let start = 0; start < observations.length;) {
    let end = start + 1;
    while (
      end < observations.length &&
      observations[end].source === observations[start].source &&
      observations[end].target === observations[start].target
    ) {
      end++;
    }
    const [kept, ...others] = observations.slice(start, end);
    for (const [attribute, column] of CONFLICT_ATTRIBUTES) {
      const overridden = others
        .filter((other) => !sameValue(other[column], kept[column]))
        .map((other) => ({ discoverySource: other.discovery_source, value: other[column] }));
      if (overridden.length > 0) {
        conflicts.push({
          source: kept.source,
          target: kept.target,
          attribute,
          kept: { discoverySource: kept.discovery_source, value: kept[column] },
          overridden,
        });
      }
    }
    start = end;
  }
  return conflicts;
}

/** Values read from the same column; jsonb comes back with normalised key order. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
