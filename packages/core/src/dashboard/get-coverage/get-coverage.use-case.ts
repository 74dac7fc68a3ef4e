import { throwIfInvalid } from '../../graph/input-validation';
import { type FieldError } from '../../shared/domain-error';
import { teamFilter } from '../dashboard-input';
import { type DashboardReadModel } from '../dashboard-read-model.port';
import { type CoverageReport } from '../dashboard.types';

export interface GetCoverageInput {
  /** Only this team (null teams are 'unassigned'). */
  readonly team?: string;
}

/** SLO coverage by team and criticality (GET /api/v1/dashboard/coverage). */
export class GetCoverageUseCase {
  constructor(private readonly dashboard: DashboardReadModel) {}

  async execute(input: GetCoverageInput = {}): Promise<CoverageReport> {
    const fieldErrors: FieldError[] = [];
    const filter = teamFilter(input.team, fieldErrors);
    throwIfInvalid(fieldErrors, 'The coverage query');
    return this.dashboard.coverage(filter);
  }
}
