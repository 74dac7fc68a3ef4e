import { Clock } from '../clock.port';

/** A {@link Clock} that only moves when a test moves it. */
export class FixedClock extends Clock {
  private current: Date;

  constructor(start: Date | string = '2026-02-14T10:00:00.000Z') {
    super();
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}
