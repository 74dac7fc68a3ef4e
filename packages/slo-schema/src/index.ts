export type {
  LoadedSlo,
  MetricsByCapability,
  SloAvailability,
  SloBudgetAlert,
  SloCapability,
  SloDefinition,
  SloEnforcement,
  SloErrorBudget,
  SloFile,
  SloLatency,
  SloMetadata,
  SloMetricName,
  SloMetrics,
  ValidationIssue,
  ValidationResult,
} from './types';
export { SloSchemaError, type SloSchemaErrorCode } from './errors';
export { formatIssue } from './issues';
export {
  impliedMonthlyPct,
  isMonthlyPctConsistent,
  MONTHLY_PCT_RELATIVE_TOLERANCE,
  sloKey,
  validateSloDocument,
  type ValidateOptions,
} from './validate';
export { parseSloYaml } from './parse';
export { indexSlos } from './collection';
export { parseMetricsYaml, SLO_METRIC_NAMES, validateMetricsDocument } from './metrics';
export {
  checkCompliance,
  checkFleetCompliance,
  type ComplianceResult,
  type FleetComplianceResult,
  type SloViolation,
} from './compliance';
export { errorBudgetConsumed, errorBudgetMinutes } from './budget';
export {
  openSloBaseName,
  stringifyOpenSlo,
  toOpenSlo,
  toOpenSloBundle,
  type OpenSloExportOptions,
  type PrometheusNaming,
} from './openslo/export';
export {
  fromOpenSlo,
  fromOpenSloYaml,
  parseOpenSloYaml,
  type OpenSloImportDefaults,
  type OpenSloImportOptions,
} from './openslo/import';
export {
  OPENSLO_ANNOTATIONS,
  OPENSLO_LABELS,
  type OpenSloDocument,
  type OpenSloIndicatorSpec,
  type OpenSloMetadata,
  type OpenSloMetricSource,
  type OpenSloObjective,
  type OpenSloSli,
  type OpenSloSlo,
  type OpenSloSloSpec,
} from './openslo/types';
export {
  burnRateFactor,
  burnRateThresholds,
  MAX_PERIOD_DAYS,
  MULTIWINDOW_BURN_RATE_POLICY,
  SLI_WINDOWS,
  windowMinutes,
  type BurnRateCondition,
  type BurnRateSeverity,
  type BurnRateThreshold,
  type SliWindow,
} from './alerts/burn-rate';
export {
  prometheusRulesFor,
  promQlString,
  SLI_WINDOW_PLACEHOLDER,
  stringifyPrometheusRules,
  type AlertThreshold,
  type AvailabilitySloAlertInput,
  type PrometheusAlertingRule,
  type PrometheusRecordingRule,
  type PrometheusRuleFile,
  type PrometheusRuleGroup,
  type PrometheusRulesResult,
  type RequestCounterSli,
  type SliQueries,
} from './alerts/prometheus-rules';
