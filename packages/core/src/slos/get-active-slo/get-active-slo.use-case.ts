import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { type GraphRepository } from '../../graph/graph.ports';
import { SloErrorCodes } from '../slo-error-codes';
import { type ActiveSloRepository } from '../slo.ports';
import { type ActiveSlo } from '../slo.types';

export interface GetActiveSloInput {
  readonly serviceId: string;
}

/**
 * GET /services/{id}/slos: the service's active SLO. A service without one is SLO.NOT_FOUND; an
 * unknown service is GRAPH.SERVICE_NOT_FOUND (asked only when there is no SLO, the rare path).
 */
export class GetActiveSloUseCase {
  constructor(
    private readonly activeSlos: ActiveSloRepository,
    private readonly graph: GraphRepository,
  ) {}

  async execute(input: GetActiveSloInput): Promise<ActiveSlo> {
    const slo = await this.activeSlos.findByService(input.serviceId);
    if (slo !== null) return slo;
    if ((await this.graph.findService(input.serviceId)) === null) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${input.serviceId}".`,
        { serviceId: input.serviceId },
      );
    }
    throw new DomainError(
      SloErrorCodes.NOT_FOUND,
      `Service "${input.serviceId}" has no active SLO; accept a recommendation to set one.`,
      { serviceId: input.serviceId },
    );
  }
}
