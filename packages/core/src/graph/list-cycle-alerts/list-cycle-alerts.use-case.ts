import { type FieldError } from '../../shared/domain-error';
import { type Page } from '../../shared/pagination';
import { type CycleAlertRepository } from '../graph.ports';
import { CYCLE_ALERT_STATUSES, type CycleAlert } from '../graph.types';
import { checkOneOf, pageLimit, throwIfInvalid } from '../input-validation';
import { type ListCycleAlertsInput } from './list-cycle-alerts.types';

/** Circular-dependency alerts, optionally by status, one keyset page at a time (GET /api/v1/graph/cycles). */
export class ListCycleAlertsUseCase {
  constructor(private readonly cycleAlerts: CycleAlertRepository) {}

  async execute(input: ListCycleAlertsInput = {}): Promise<Page<CycleAlert>> {
    const fieldErrors: FieldError[] = [];
    const limit = pageLimit(input.limit, fieldErrors);
    checkOneOf(input.status, CYCLE_ALERT_STATUSES, 'status', fieldErrors);
    throwIfInvalid(fieldErrors, 'The cycle alert list query');
    return this.cycleAlerts.list({ status: input.status }, { cursor: input.cursor, limit });
  }
}
