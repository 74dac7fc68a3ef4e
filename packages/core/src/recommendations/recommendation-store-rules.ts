/**
 * What every recommendation store refuses (the PostgreSQL schema's constraints), checked before
 * anything is stored so each store answers the same precise DomainError.
 */
import { DomainError, DomainErrorCodes, type FieldError } from '../shared/domain-error';
import {
  MAX_LOOKBACK_DAYS,
  MIN_LOOKBACK_DAYS,
} from './get-slo-recommendations/get-slo-recommendations.use-case';
import {
  AGGREGATE_SLI_TYPES,
  type NewRecommendation,
  type SliAggregate,
} from './recommendation.ports';
import { AGGREGATE_WINDOWS } from './telemetry.port';

const DIGEST = /^[0-9a-f]{64}$/;

function invalidInput(fieldErrors: readonly FieldError[]): DomainError {
  return new DomainError(
    DomainErrorCodes.INVALID_INPUT,
    `Cannot store: ${fieldErrors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
    { fieldErrors },
  );
}

/** @throws DomainError `VALIDATION.INVALID_INPUT` naming each offending field. */
export function assertStorableRecommendations(recommendations: readonly NewRecommendation[]): void {
  const errors: FieldError[] = [];
  recommendations.forEach((r, i) => {
    if (r.sliType !== r.recommendation.sliType) {
      errors.push({ field: `[${i}].sliType`, message: 'differs from recommendation.sliType' });
    }
    if (
      !Number.isInteger(r.lookbackDays) ||
      r.lookbackDays < MIN_LOOKBACK_DAYS ||
      r.lookbackDays > MAX_LOOKBACK_DAYS
    ) {
      errors.push({
        field: `[${i}].lookbackDays`,
        message: `must be an integer from ${MIN_LOOKBACK_DAYS} to ${MAX_LOOKBACK_DAYS}`,
      });
    }
    if (!Number.isSafeInteger(r.graphVersion) || r.graphVersion < 0) {
      errors.push({ field: `[${i}].graphVersion`, message: 'must be a non-negative integer' });
    }
    if (!DIGEST.test(r.dependencyDigest)) {
      errors.push({ field: `[${i}].dependencyDigest`, message: 'must be 64 lowercase hex digits' });
    }
  });
  if (errors.length > 0) throw invalidInput(errors);
}

/** @throws DomainError `VALIDATION.INVALID_INPUT` naming each offending field. */
export function assertStorableAggregates(aggregates: readonly SliAggregate[]): void {
  const errors: FieldError[] = [];
  aggregates.forEach((a, i) => {
    if (!AGGREGATE_SLI_TYPES.includes(a.sliType)) {
      errors.push({ field: `[${i}].sliType`, message: 'is not an aggregate SLI type' });
    }
    if (!AGGREGATE_WINDOWS.includes(a.window)) {
      errors.push({ field: `[${i}].window`, message: 'is not an aggregate window' });
    }
    if (!Number.isFinite(a.value)) {
      errors.push({ field: `[${i}].value`, message: 'must be a finite number' });
    }
    if (!Number.isSafeInteger(a.sampleCount) || a.sampleCount < 0) {
      errors.push({ field: `[${i}].sampleCount`, message: 'must be a non-negative integer' });
    }
    if (Number.isNaN(a.computedAt.getTime())) {
      errors.push({ field: `[${i}].computedAt`, message: 'must be a valid date' });
    }
  });
  if (errors.length > 0) throw invalidInput(errors);
}
