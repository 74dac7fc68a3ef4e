export { RegistryError, type RegistryErrorCode } from './errors';
export type {
  Capability,
  CapabilitySlo,
  Clock,
  FieldError,
  SloBid,
  WorkerRegistration,
} from './types';
export {
  MAX_IDENTIFIER_LENGTH,
  capabilityKey,
  validateRegistration,
  type ValidationResult,
} from './validate';
export { matchesSlo, type SloConstraints } from './route-filters';
export {
  CapabilityRegistry,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_STALE_TIMEOUT_MS,
  REGISTRY_STATE_VERSION,
  allowAllPolicy,
  requiredCapabilitiesPolicy,
  type CapabilityRegistryOptions,
  type ExportedWorker,
  type HeartbeatResult,
  type NoRouteReason,
  type PolicyDecision,
  type PolicyInput,
  type RegistryState,
  type Rejection,
  type Requester,
  type RouteRequest,
  type RouteResult,
  type RoutingPolicy,
  type WorkerEntry,
  type WorkerStatus,
} from './registry';
export {
  CANARY_BUCKETS,
  assignCanary,
  canaryBucket,
  hash32,
  validateCanaryPolicy,
  type CanaryAssignment,
  type CanaryPolicy,
} from './canary';
