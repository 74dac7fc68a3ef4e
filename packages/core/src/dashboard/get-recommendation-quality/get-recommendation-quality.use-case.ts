import { throwIfInvalid } from '../../graph/input-validation';
import { type FieldError } from '../../shared/domain-error';
import { teamFilter } from '../dashboard-input';
import { type DashboardReadModel } from '../dashboard-read-model.port';
import { type RecommendationQualityReport } from '../dashboard.types';

export interface GetRecommendationQualityInput {
  /** Only this team (null teams are 'unassigned'). */
  readonly team?: string;
}

/** Acceptance, modification and breach rates (GET /api/v1/dashboard/recommendation-quality). */
export class GetRecommendationQualityUseCase {
  constructor(private readonly dashboard: DashboardReadModel) {}

  async execute(input: GetRecommendationQualityInput = {}): Promise<RecommendationQualityReport> {
    const fieldErrors: FieldError[] = [];
    const filter = teamFilter(input.team, fieldErrors);
    throwIfInvalid(fieldErrors, 'The recommendation quality query');
    return this.dashboard.recommendationQuality(filter);
  }
}
