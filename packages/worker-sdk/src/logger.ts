/** Structured logger the SDK writes to; pino's `logger.info(bindings, message)` fits as it is. */
export interface WorkerSdkLogger {
  info(bindings: Record<string, unknown>, message: string): void;
  warn(bindings: Record<string, unknown>, message: string): void;
  error(bindings: Record<string, unknown>, message: string): void;
}

/** The default: a library prints nothing unless given a logger. */
export const SILENT_LOGGER: WorkerSdkLogger = { info() {}, warn() {}, error() {} };
