import { type ActiveSlo, ActiveSloRepository } from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { ACTIVE_SLO_COLUMNS, type ActiveSloRow, toActiveSlo } from './slo-rows';
import { rows } from './sql';

const FIND_BY_SERVICE = `
SELECT ${ACTIVE_SLO_COLUMNS}, s.service_id AS service
FROM active_slos a JOIN services s ON s.id = a.service_id
WHERE s.service_id = $1`;

const FIND_BY_SERVICES = `
SELECT ${ACTIVE_SLO_COLUMNS}, s.service_id AS service
FROM active_slos a JOIN services s ON s.id = a.service_id
WHERE s.service_id = ANY($1::text[])`;

const AVAILABILITY_TARGETS = `
SELECT s.service_id AS service, a.availability_target
FROM active_slos a JOIN services s ON s.id = a.service_id
WHERE a.availability_target IS NOT NULL`;

/** `active_slos`, read side (writes go through the lifecycle store's transaction). */
export class PostgresActiveSloRepository extends ActiveSloRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async findByService(serviceId: string): Promise<ActiveSlo | null> {
    const [row] = await rows<ActiveSloRow>(this.manager, FIND_BY_SERVICE, [serviceId]);
    return row ? toActiveSlo(row) : null;
  }

  override async findByServices(
    serviceIds: readonly string[],
  ): Promise<ReadonlyMap<string, ActiveSlo>> {
    if (serviceIds.length === 0) return new Map();
    const found = await rows<ActiveSloRow>(this.manager, FIND_BY_SERVICES, [[...serviceIds]]);
    return new Map(found.map((row) => [row.service, toActiveSlo(row)]));
  }

  override async availabilityTargets(): Promise<ReadonlyMap<string, number>> {
    const found = await rows<{ service: string; availability_target: string }>(
      this.manager,
      AVAILABILITY_TARGETS,
    );
    return new Map(found.map((row) => [row.service, Number(row.availability_target)]));
  }
}
