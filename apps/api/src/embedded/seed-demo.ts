import { type INestApplicationContext } from '@nestjs/common';
import { GraphRepository, IngestionQueue, SubmitIngestionUseCase } from '@slo-engine/core';
import { InProcessIngestionQueue } from '@slo-engine/adapters';
import { demoTopology } from './demo-topology';

/** Seeds the demo topology into an empty graph; returns the number of services seeded (0 if not empty). */
export async function seedDemoTopology(app: INestApplicationContext): Promise<number> {
  const existing = await app.get(GraphRepository).listServices({}, { limit: 1 });
  if (existing.items.length > 0) return 0;
  const submission = demoTopology(new Date());
  await app.get(SubmitIngestionUseCase).execute(submission);
  const queue = app.get(IngestionQueue);
  if (queue instanceof InProcessIngestionQueue) await queue.drain();
  return submission.nodes.length;
}
