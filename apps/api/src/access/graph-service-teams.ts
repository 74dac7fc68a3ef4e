import { type GraphRepository } from '@slo-engine/core';
import { ServiceTeams } from '@slo-engine/platform';

/** Service ownership for BOLA checks: the `team` of the stored service. */
export class GraphServiceTeams extends ServiceTeams {
  constructor(private readonly graph: GraphRepository) {
    super();
  }

  async teamOf(serviceId: string): Promise<string | null | undefined> {
    const service = await this.graph.findService(serviceId);
    return service === null ? undefined : service.team;
  }
}
