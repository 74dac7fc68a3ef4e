export { ReliabilityError, type ReliabilityErrorCode } from './errors';
export {
  serialAvailability,
  parallelAvailability,
  composeAvailability,
  ninesOf,
  addNines,
  type DependencyKind,
  type DirectDependency,
} from './algebra';
export {
  externalAvailability,
  errorBudgetShare,
  assessExternalDependency,
  DEFAULT_SLA_PENALTY,
  HIGH_DEPENDENCY_RISK_SHARE,
  type AvailabilitySource,
  type ExternalAvailability,
  type ExternalAvailabilityInput,
  type ExternalAvailabilityOptions,
  type ExternalDependencyAssessment,
} from './external';
export {
  errorBudget,
  burnRate,
  timeToExhaustion,
  MINUTES_PER_30_DAYS,
  MINUTES_PER_AVERAGE_MONTH,
  type ErrorBudget,
  type ErrorBudgetOptions,
} from './error-budget';
export {
  checkTargetAchievability,
  type AchievableTarget,
  type CriticalDependency,
  type OneMoreNineSuggestion,
  type TargetAchievability,
  type TargetAchievabilityOptions,
  type UnachievableTarget,
} from './achievability';
export { formatPercent, type FormatPercentOptions } from './format';
export {
  quantile,
  quantiles,
  rollingAvailability,
  availabilityBreachProbability,
  latencyBreachProbability,
  bootstrapConfidenceInterval,
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_CONFIDENCE_LEVEL,
  type BootstrapOptions,
  type ConfidenceInterval,
  type RequestCounts,
  type RollingAvailabilityOptions,
} from './statistics';
export {
  deriveAvailabilityTiers,
  deriveLatencyTiers,
  AVAILABILITY_TIER_QUANTILES,
  LATENCY_TIER_QUANTILES,
  DEFAULT_LATENCY_NOISE_MARGIN,
  type AvailabilityTier,
  type AvailabilityTierOptions,
  type AvailabilityTiers,
  type LatencyTier,
  type LatencyTierOptions,
  type LatencyTiers,
  type TierName,
} from './tiers';
export {
  buildAvailabilityModel,
  buildIndexedAvailabilityModel,
  type AvailabilityModel,
  type AvailabilityModelInput,
  type IndexedAvailabilityModelInput,
  type DependencyInput,
  type RedundancyGroup,
  type ServiceAvailabilityInput,
} from './model';
export {
  compositeAvailability,
  compositeAvailabilityOf,
  compositeValues,
  DEFAULT_COMPOSITE_MEMORY_BYTES,
  type CompositeBottleneck,
  type CompositeOptions,
  type CompositeValues,
  type ServiceComposite,
} from './composite';
