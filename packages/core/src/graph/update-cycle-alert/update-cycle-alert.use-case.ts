import { type Clock } from '../../shared/clock.port';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { type CycleAlertRepository } from '../graph.ports';
import { CYCLE_ALERT_STATUSES, type CycleAlert, type CycleAlertStatus } from '../graph.types';
import { checkOneOf, throwIfInvalid } from '../input-validation';
import { type UpdateCycleAlertInput } from './update-cycle-alert.types';

/** The alert lifecycle: open → acknowledged → resolved, or open → resolved directly. */
export const CYCLE_ALERT_TRANSITIONS: Readonly<
  Record<CycleAlertStatus, readonly CycleAlertStatus[]>
> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: [],
};

const MAX_ATTEMPTS = 3;

/** Acknowledges or resolves a circular-dependency alert (PATCH /api/v1/graph/cycles/{id}). */
export class UpdateCycleAlertUseCase {
  constructor(
    private readonly cycleAlerts: CycleAlertRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: UpdateCycleAlertInput): Promise<CycleAlert> {
    const fieldErrors: FieldError[] = [];
    checkOneOf(input.status, CYCLE_ALERT_STATUSES, 'status', fieldErrors);
    throwIfInvalid(fieldErrors, 'The cycle alert change');

    // Check the transition against the current status and apply it only if that status still
    // holds; if a concurrent change won, check again against what it left.
    for (let attempt = 1; ; attempt++) {
      const alert = await this.cycleAlerts.find(input.id);
      if (alert === null) {
        throw new DomainError(
          DomainErrorCodes.CYCLE_ALERT_NOT_FOUND,
          `No circular-dependency alert has id "${input.id}".`,
          { alertId: input.id },
        );
      }
      if (!CYCLE_ALERT_TRANSITIONS[alert.status].includes(input.status)) {
        throw new DomainError(
          DomainErrorCodes.CYCLE_ALERT_TRANSITION,
          `A ${alert.status} alert cannot become ${input.status}; allowed: ${
            CYCLE_ALERT_TRANSITIONS[alert.status].join(', ') || 'none (resolved is final)'
          }.`,
          { alertId: alert.id, from: alert.status, to: input.status },
        );
      }
      const updated = await this.cycleAlerts.update(
        alert.id,
        { status: input.status, actor: input.actor ?? null, notes: input.notes ?? null },
        this.clock.now(),
        alert.status,
      );
      if (updated !== null) return updated;
      // Each lost race moves the alert one step along a three-state lifecycle, so this ends.
      if (attempt >= MAX_ATTEMPTS) {
        throw new DomainError(
          DomainErrorCodes.CYCLE_ALERT_TRANSITION,
          'The alert was changed concurrently; read it again and retry.',
          { alertId: alert.id, to: input.status },
        );
      }
    }
  }
}
