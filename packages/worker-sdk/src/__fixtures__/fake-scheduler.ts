import type { Scheduler } from '../scheduler';

interface PendingWait {
  readonly handle: number;
  readonly delayMs: number;
  readonly callback: () => void;
}

/**
 * A scheduler whose waits only end when the test says so. The agent has at most one wait pending
 * (heartbeat interval, backoff or Retry-After), so a test reads its delay with `nextWait()` and
 * ends it with `fire()`, stepping through hours of protocol time without sleeping.
 */
export class FakeScheduler implements Scheduler {
  nowMs = Date.UTC(2025, 10, 16, 10, 30, 0);
  /** What `random()` answers; 0.5 makes full-jitter backoff exactly half its ceiling. */
  randomValue = 0.5;
  /** Every delay ever scheduled, in order, fired or not. */
  readonly history: number[] = [];
  private pending: PendingWait[] = [];
  private nextHandle = 1;
  private waiters: (() => void)[] = [];

  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.pending.push({ handle, delayMs, callback });
    this.history.push(delayMs);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((wait) => wait.handle !== handle);
  }

  random(): number {
    return this.randomValue;
  }

  now(): number {
    return this.nowMs;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Resolves with the delay of the pending wait, as soon as the agent starts one. */
  async nextWait(): Promise<number> {
    while (this.pending.length === 0) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.pending[0].delayMs;
  }

  /** Ends the pending wait, moving the clock by its delay. */
  fire(): void {
    const wait = this.pending.shift();
    if (wait === undefined) throw new Error('FakeScheduler: no wait is pending');
    this.nowMs += wait.delayMs;
    wait.callback();
  }

  /** `nextWait()` then `fire()`; returns the delay that elapsed. */
  async elapse(): Promise<number> {
    const delayMs = await this.nextWait();
    this.fire();
    return delayMs;
  }
}
