/** Nest token of the {@link ControllerRuntime} the app was created with. */
export const CONTROLLER_RUNTIME = Symbol('CONTROLLER_RUNTIME');
/** Nest token of the controller's clock (`() => number`, ms). */
export const CONTROLLER_CLOCK = Symbol('CONTROLLER_CLOCK');
/** Nest token of the validated {@link ControllerConfig}. */
export const CONTROLLER_CONFIG = Symbol('CONTROLLER_CONFIG');
/** Nest token of the controller's IdempotencyService. */
export const CONTROLLER_IDEMPOTENCY = Symbol('CONTROLLER_IDEMPOTENCY');
