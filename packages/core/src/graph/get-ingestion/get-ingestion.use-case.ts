import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { type IngestionRepository } from '../graph.ports';
import { type Ingestion } from '../graph.types';
import { type GetIngestionInput } from './get-ingestion.types';

/** An ingestion's progress and, once completed, its result (GET /api/v1/ingestions/{id}). */
export class GetIngestionUseCase {
  constructor(private readonly ingestions: IngestionRepository) {}

  async execute({ ingestionId }: GetIngestionInput): Promise<Ingestion> {
    const ingestion = await this.ingestions.find(ingestionId);
    if (ingestion === null) {
      throw new DomainError(
        DomainErrorCodes.INGESTION_NOT_FOUND,
        `No ingestion has id "${ingestionId}".`,
        { ingestionId },
      );
    }
    return ingestion;
  }
}
