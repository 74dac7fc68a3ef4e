import { throwIfInvalid } from '../../graph/input-validation';
import { type FieldError } from '../../shared/domain-error';
import { teamFilter, topConsumers } from '../dashboard-input';
import { type DashboardReadModel } from '../dashboard-read-model.port';
import { type ErrorBudgetHealthReport } from '../dashboard.types';

export interface GetErrorBudgetHealthInput {
  /** Only this team (null teams are 'unassigned'). */
  readonly team?: string;
  /** Length of the most-consumed list, 1..100, default 10. */
  readonly top?: number;
}

/** Error-budget consumption distribution and the most consumed services (GET /api/v1/dashboard/error-budget-health). */
export class GetErrorBudgetHealthUseCase {
  constructor(private readonly dashboard: DashboardReadModel) {}

  async execute(input: GetErrorBudgetHealthInput = {}): Promise<ErrorBudgetHealthReport> {
    const fieldErrors: FieldError[] = [];
    const filter = teamFilter(input.team, fieldErrors);
    const top = topConsumers(input.top, fieldErrors);
    throwIfInvalid(fieldErrors, 'The error-budget health query');
    return this.dashboard.errorBudgetHealth({ ...filter, top });
  }
}
