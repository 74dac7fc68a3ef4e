import { Injectable } from '@nestjs/common';
import { TelemetrySource } from '@slo-engine/core';
import { ReadinessCheck } from '@slo-engine/platform';

/** Readiness reports the telemetry source: Prometheus answering, or the synthetic fleet. */
@Injectable()
export class TelemetryReadinessCheck extends ReadinessCheck {
  readonly name = 'telemetry';
  constructor(private readonly telemetry: TelemetrySource) {
    super();
  }
  async check(): Promise<void> {
    const health = await this.telemetry.checkHealth();
    if (!health.ok) throw new Error(health.detail);
  }
}
