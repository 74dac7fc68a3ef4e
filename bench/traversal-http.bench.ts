/**
 * `pnpm bench traversal`: 3-hop dependency queries over HTTP on a 5,000-service / 50,000-edge graph
 * with hubs, start nodes drawn at random with the 20 biggest hubs always included. Issue goal:
 * p95 ≤20 ms (spec: <100 ms).
 */
import { performance } from 'node:perf_hooks';
import { hubbyGraph, startApi, waitForIngestion } from './api-fixture';
import { report, seededRandom, summarize } from './harness';

const REQUESTS = 600;

async function main(): Promise<void> {
  const random = seededRandom(7);
  const graph = hubbyGraph(5_000, 50_000, random);
  const api = await startApi();
  try {
    const posted = await api.fetch(`/api/v1/services/dependencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'manual', ...graph }),
    });
    const { ingestion_id } = (await posted.json()) as { ingestion_id: string };
    await waitForIngestion(api, ingestion_id);

    const inDegree = new Map<string, number>();
    for (const e of graph.edges) inDegree.set(e.target, (inDegree.get(e.target) ?? 0) + 1);
    const hubs = [...inDegree.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([id]) => id);
    const starts = [
      ...hubs,
      ...Array.from(
        { length: REQUESTS - hubs.length },
        () => graph.nodes[Math.floor(random() * graph.nodes.length)].service_id,
      ),
    ];
    const query = async (
      id: string,
      direction: string,
    ): Promise<{ ms: number; nodes: number; bytes: number }> => {
      const start = performance.now();
      const response = await api.fetch(
        `/api/v1/services/${id}/dependencies?direction=${direction}&depth=3`,
      );
      const text = await response.text();
      const ms = performance.now() - start;
      if (response.status !== 200)
        throw new Error(`${id}: ${response.status} ${text.slice(0, 200)}`);
      return {
        ms,
        nodes: (JSON.parse(text) as { nodes: unknown[] }).nodes.length,
        bytes: text.length,
      };
    };
    // Warm up: the first query loads the graph snapshot; measure steady state.
    for (let i = 0; i < 20; i++) await query(starts[i], 'downstream');

    const results: Record<string, unknown> = {};
    for (const direction of ['downstream', 'upstream', 'both']) {
      const samples = [];
      for (const id of starts) samples.push(await query(id, direction));
      const timing = summarize(samples.map((s) => s.ms));
      const hubSamples = samples.slice(0, hubs.length);
      results[direction] = {
        ...timing,
        hubsP95Ms: summarize(hubSamples.map((s) => s.ms)).p95Ms,
        meanNodes: Math.round(samples.reduce((a, s) => a + s.nodes, 0) / samples.length),
        maxNodes: Math.max(...samples.map((s) => s.nodes)),
        maxBytes: Math.max(...samples.map((s) => s.bytes)),
        goalP95Ms: 20,
        meetsGoal: timing.p95Ms <= 20,
      };
    }
    report('traversal-http', {
      services: 5_000,
      edges: 50_000,
      depth: 3,
      requestsPerDirection: starts.length,
      hubsIncluded: hubs.length,
      ...results,
    });
  } finally {
    await api.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
