import { type IdempotencyStore } from '@slo-engine/idempotency';
import {
  type InvocationResponse,
  type RegistryStore,
  type SloDefinitionSource,
  type WorkerInvoker,
  type WorkerUrlGuard,
} from '@slo-engine/core';
import { type ControllerConfig } from './config';

/**
 * What the controller runs on, chosen by main (production or embedded) or by a test: the stores,
 * the SLO files, the outbound HTTP side and the clock. The Nest module only wires these.
 */
export interface ControllerRuntime {
  readonly config: ControllerConfig;
  readonly registryStore: RegistryStore;
  readonly idempotencyStore: IdempotencyStore<InvocationResponse>;
  readonly sloSource: SloDefinitionSource;
  readonly urlGuard: WorkerUrlGuard;
  readonly invoker: WorkerInvoker;
  /** Milliseconds since the epoch; tests inject a manual clock. */
  readonly now?: () => number;
  /** Source of per-request canary keys when the caller gives none; seeded in tests. */
  readonly random?: () => number;
  /** Start the periodic sweep / flush / SLO check timers (tests drive them by hand). Default true. */
  readonly timers?: boolean;
  /** Released when the app closes (Redis connections, the embedded database...). */
  readonly onClose?: () => Promise<void>;
}
