import { type FieldError } from '../../shared/domain-error';
import { type Page } from '../../shared/pagination';
import { type GraphRepository } from '../graph.ports';
import { SERVICE_CRITICALITIES, type ServiceNode } from '../graph.types';
import { checkOneOf, pageLimit, throwIfInvalid } from '../input-validation';
import { type ListServicesInput } from './list-services.types';

/**
 * Services ordered by id, filtered, one keyset page at a time (GET /api/v1/services). A cursor the
 * repository did not issue fails there with INVALID_CURSOR.
 */
export class ListServicesUseCase {
  constructor(private readonly graph: GraphRepository) {}

  async execute(input: ListServicesInput = {}): Promise<Page<ServiceNode>> {
    const fieldErrors: FieldError[] = [];
    const limit = pageLimit(input.limit, fieldErrors);
    checkOneOf(input.criticality, SERVICE_CRITICALITIES, 'criticality', fieldErrors);
    throwIfInvalid(fieldErrors, 'The service list query');
    return this.graph.listServices(
      { team: input.team, criticality: input.criticality, discovered: input.discovered },
      { cursor: input.cursor, limit },
    );
  }
}
