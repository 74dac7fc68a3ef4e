/** Checks of the dashboard queries; the transport validates too, but the core trusts no caller. */
import { type FieldError } from '../shared/domain-error';
import { DEFAULT_TOP_CONSUMERS, MAX_TOP_CONSUMERS, type DashboardFilter } from './dashboard.types';

/** Team names are 1–255 characters (services.team). */
const MAX_TEAM_LENGTH = 255;

export function teamFilter(team: string | undefined, fieldErrors: FieldError[]): DashboardFilter {
  if (team === undefined) return {};
  if (typeof team !== 'string' || team.length === 0 || team.length > MAX_TEAM_LENGTH) {
    fieldErrors.push({
      field: 'team',
      message: `must be a team name of 1 to ${MAX_TEAM_LENGTH} characters`,
    });
  }
  return { team };
}

export function topConsumers(top: number | undefined, fieldErrors: FieldError[]): number {
  if (top === undefined) return DEFAULT_TOP_CONSUMERS;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP_CONSUMERS) {
    fieldErrors.push({
      field: 'top',
      message: `must be an integer from 1 to ${MAX_TOP_CONSUMERS}, got ${String(top)}`,
    });
  }
  return top;
}
