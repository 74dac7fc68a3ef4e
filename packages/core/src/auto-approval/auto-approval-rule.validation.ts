/**
 * Checks of rule input the use cases repeat even though the transport validates too (the core is
 * also called from workers, the embedded mode and tests). Field names are the wire's snake_case.
 */
import { SERVICE_CRITICALITIES } from '../graph/graph.types';
import { type FieldError } from '../shared/domain-error';
import {
  AUTO_APPROVAL_SLI_TYPES,
  AUTO_APPROVAL_TIERS,
  type AutoApprovalConditions,
  type AutoApprovalConditionsInput,
  MAX_RULE_NAME_LENGTH,
  MAX_RULE_TEAMS,
  MAX_TEAM_NAME_LENGTH,
  RULE_NAME_PATTERN,
} from './auto-approval.types';

/** Pushes a field error unless `name` is a valid rule name. */
export function checkRuleName(name: unknown, fieldErrors: FieldError[], field = 'name'): void {
  if (typeof name !== 'string') {
    fieldErrors.push({ field, message: 'must be a string' });
  } else if (name.length < 1 || name.length > MAX_RULE_NAME_LENGTH) {
    fieldErrors.push({
      field,
      message: `must be 1 to ${MAX_RULE_NAME_LENGTH} characters, got ${name.length}`,
    });
  } else if (!RULE_NAME_PATTERN.test(name)) {
    fieldErrors.push({
      field,
      message:
        'must start with a letter or digit and hold only letters, digits, ".", "_" and "-" (it becomes part of the audit actor)',
    });
  }
}

/** Pushes a field error unless `enabled` is absent or a boolean. */
export function checkEnabled(enabled: unknown, fieldErrors: FieldError[]): void {
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    fieldErrors.push({ field: 'enabled', message: 'must be a boolean' });
  }
}

/**
 * The normalised conditions (SLI types defaulted to both, absent teams as null), or null after
 * pushing every field error found.
 */
export function normaliseConditions(
  input: AutoApprovalConditionsInput | undefined,
  fieldErrors: FieldError[],
  field = 'conditions',
): AutoApprovalConditions | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fieldErrors.push({ field, message: 'must be an object' });
    return null;
  }
  const before = fieldErrors.length;
  checkList(input.criticality, SERVICE_CRITICALITIES, `${field}.criticality`, fieldErrors);
  const confidenceMin: unknown = input.confidenceMin;
  if (
    typeof confidenceMin !== 'number' ||
    !Number.isFinite(confidenceMin) ||
    confidenceMin < 0 ||
    confidenceMin > 1
  ) {
    fieldErrors.push({
      field: `${field}.confidence_min`,
      message: `must be a number from 0 to 1, got ${JSON.stringify(confidenceMin) ?? 'nothing'}`,
    });
  }
  if (!(AUTO_APPROVAL_TIERS as readonly unknown[]).includes(input.tier)) {
    fieldErrors.push({
      field: `${field}.tier`,
      message: `must be one of ${AUTO_APPROVAL_TIERS.join(', ')}, got ${JSON.stringify(input.tier) ?? 'nothing'}`,
    });
  }
  if (input.teams !== undefined && input.teams !== null) {
    checkList(input.teams, null, `${field}.teams`, fieldErrors);
  }
  if (input.sliTypes !== undefined) {
    checkList(input.sliTypes, AUTO_APPROVAL_SLI_TYPES, `${field}.sli_types`, fieldErrors);
  }
  if (fieldErrors.length > before) return null;
  return {
    criticality: [...input.criticality],
    confidenceMin: input.confidenceMin,
    tier: input.tier,
    teams: input.teams === undefined || input.teams === null ? null : [...input.teams],
    sliTypes: input.sliTypes === undefined ? [...AUTO_APPROVAL_SLI_TYPES] : [...input.sliTypes],
  };
}

/**
 * A non-empty list without repeats whose items are `allowed` values, or (when `allowed` is null)
 * team names of 1–255 characters.
 */
function checkList(
  value: unknown,
  allowed: readonly string[] | null,
  field: string,
  fieldErrors: FieldError[],
): void {
  if (!Array.isArray(value) || value.length === 0) {
    fieldErrors.push({ field, message: 'must be a non-empty array' });
    return;
  }
  if (allowed === null && value.length > MAX_RULE_TEAMS) {
    fieldErrors.push({
      field,
      message: `must name at most ${MAX_RULE_TEAMS} teams, got ${value.length}`,
    });
    return;
  }
  const seen = new Set<unknown>();
  value.forEach((item: unknown, index) => {
    const itemField = `${field}[${index}]`;
    if (allowed !== null && !allowed.includes(item as string)) {
      fieldErrors.push({
        field: itemField,
        message: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(item) ?? 'nothing'}`,
      });
    } else if (
      allowed === null &&
      (typeof item !== 'string' || item.length < 1 || item.length > MAX_TEAM_NAME_LENGTH)
    ) {
      fieldErrors.push({
        field: itemField,
        message: `must be a string of 1 to ${MAX_TEAM_NAME_LENGTH} characters`,
      });
    } else if (seen.has(item)) {
      fieldErrors.push({ field: itemField, message: `repeats ${JSON.stringify(item)}` });
    }
    seen.add(item);
  });
}
