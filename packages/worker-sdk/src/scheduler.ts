/**
 * The agent's source of waiting, randomness and time. Only the protocol's waits go through it (the
 * heartbeat interval, backoff, Retry-After); I/O deadlines (`requestTimeoutMs`, `stopTimeoutMs`)
 * use real timers, because they bound sockets, not the agent's cadence. Tests pass a fake and step
 * through the waits one by one instead of sleeping.
 */
export interface Scheduler {
  /** Calls `callback` once after `delayMs`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  /** A number in [0, 1), for backoff jitter. */
  random(): number;
  /** Milliseconds since the epoch, to read `Retry-After` dates. */
  now(): number;
}

/** Node's timers, `Math.random` and `Date.now`. Timers stay referenced: a waiting agent keeps the process alive. */
export const systemScheduler: Scheduler = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
  now: () => Date.now(),
};

/** Resolves after `delayMs`, or at once (without error) when `signal` aborts. */
export function pause(scheduler: Scheduler, delayMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      scheduler.clearTimeout(handle);
      resolve();
    };
    const handle = scheduler.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
