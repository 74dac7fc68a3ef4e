import { Controller, Get, Inject, Injectable, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError, DomainErrorCodes } from '@slo-engine/core';
import { CONTROLLER_CLOCK } from '../tokens';

export const CONTROLLER_EVENT_TYPES = [
  'canary.updated',
  'canary.removed',
  'canary.rolled_back',
  'slo.violated',
  'slo.recovered',
  'slo.reloaded',
  'workers.swept',
] as const;
export type ControllerEventType = (typeof CONTROLLER_EVENT_TYPES)[number];

export interface ControllerEvent {
  readonly sequence: number;
  readonly type: ControllerEventType;
  readonly at: string;
  readonly capability?: string;
  readonly detail: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Most events kept; older ones drop out (they are in the logs too). */
export const EVENT_LOG_CAPACITY = 1_000;

/**
 * What happened to this controller that an operator wants to see without searching logs: canary
 * changes and automatic rollbacks, SLO violations starting and ending, SLO reloads, stale workers
 * removed. An in-memory ring per instance (each is also a log line and, where it counts, a metric).
 */
@Injectable()
export class ControllerEvents {
  private readonly ring: ControllerEvent[] = [];
  private sequence = 0;

  constructor(@Inject(CONTROLLER_CLOCK) private readonly now: () => number) {}

  record(
    type: ControllerEventType,
    detail: string,
    extra: { capability?: string; data?: Record<string, unknown> } = {},
  ): ControllerEvent {
    const event: ControllerEvent = {
      sequence: ++this.sequence,
      type,
      at: new Date(this.now()).toISOString(),
      ...(extra.capability === undefined ? {} : { capability: extra.capability }),
      detail,
      ...(extra.data === undefined ? {} : { data: extra.data }),
    };
    this.ring.push(event);
    if (this.ring.length > EVENT_LOG_CAPACITY) this.ring.shift();
    return event;
  }

  /** Newest first, optionally of one type or capability, after a sequence number. */
  list(filter: {
    type?: ControllerEventType;
    capability?: string;
    after?: number;
    limit: number;
  }): ControllerEvent[] {
    const out: ControllerEvent[] = [];
    for (let i = this.ring.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const e = this.ring[i];
      if (filter.after !== undefined && e.sequence <= filter.after) break;
      if (filter.type !== undefined && e.type !== filter.type) continue;
      if (filter.capability !== undefined && e.capability !== filter.capability) continue;
      out.push(e);
    }
    return out;
  }
}

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: ControllerEvents) {}

  @Get()
  @ApiOperation({
    summary:
      "This instance's recent events, newest first (canary rollbacks, SLO violations, reloads, sweeps)",
  })
  @ApiQuery({ name: 'type', required: false, enum: CONTROLLER_EVENT_TYPES })
  @ApiQuery({ name: 'capability', required: false })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'Only events with a larger sequence number.',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100.' })
  list(
    @Query('type') type?: string,
    @Query('capability') capability?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): unknown {
    const errors: { field: string; message: string }[] = [];
    if (type !== undefined && !(CONTROLLER_EVENT_TYPES as readonly string[]).includes(type))
      errors.push({
        field: 'type',
        message: `must be one of ${CONTROLLER_EVENT_TYPES.join(', ')}`,
      });
    const afterN = after === undefined ? undefined : Number(after);
    if (afterN !== undefined && !(Number.isSafeInteger(afterN) && afterN >= 0))
      errors.push({ field: 'after', message: 'must be a non-negative integer' });
    const limitN = limit === undefined ? 100 : Number(limit);
    if (!(Number.isSafeInteger(limitN) && limitN >= 1 && limitN <= EVENT_LOG_CAPACITY))
      errors.push({ field: 'limit', message: `must be an integer 1..${EVENT_LOG_CAPACITY}` });
    if (errors.length > 0)
      throw new DomainError(DomainErrorCodes.INVALID_INPUT, 'Invalid event query.', {
        fieldErrors: errors,
      });
    return {
      events: this.events.list({
        ...(type === undefined ? {} : { type: type as ControllerEventType }),
        ...(capability === undefined ? {} : { capability }),
        ...(afterN === undefined ? {} : { after: afterN }),
        limit: limitN,
      }),
    };
  }
}
