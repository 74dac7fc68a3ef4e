import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type SloLoadReport, SloBook } from '@slo-engine/core';
import { type SliSnapshot } from '@slo-engine/registry';
import { ApiProblemResponse } from '@slo-engine/platform';
import { type ControllerConfig } from '../config';
import { ControllerLifecycle } from '../controller-lifecycle';
import { assertAdmin } from '../identity/admin';
import { type Caller, CurrentCaller } from '../identity/caller-identity';
import { CONTROLLER_CLOCK, CONTROLLER_CONFIG } from '../tokens';

/** The SLO files the controller enforces (spec 000), their compliance now, and reloading them. */
@ApiTags('slos')
@Controller('slos')
export class SlosController {
  constructor(
    private readonly slos: SloBook,
    private readonly lifecycle: ControllerLifecycle,
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(CONTROLLER_CLOCK) private readonly now: () => number,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Loaded SLO definitions with their rolling p50/p95/p99 and availability, and every file problem',
  })
  list(): unknown {
    const now = this.now();
    return {
      directory: this.lifecycle.lastSloReport()?.directory,
      slos: this.slos.definitions().map((entry) => {
        const evaluation = this.slos.evaluate(entry.loaded.key, now);
        return {
          capability: entry.loaded.key,
          file: entry.loaded.file,
          changed_at: new Date(entry.changedAt).toISOString(),
          slo: entry.loaded.slo.slo,
          enforcement: entry.loaded.slo.enforcement,
          compliant: evaluation.compliant,
          enforcing: evaluation.enforcing,
          in_grace: evaluation.inGrace,
          ...(evaluation.graceEndsAt === undefined
            ? {}
            : { grace_ends_at: new Date(evaluation.graceEndsAt).toISOString() }),
          violations: evaluation.violations,
          sli: presentSli(evaluation.sli),
        };
      }),
      issues: this.slos.issues(),
    };
  }

  @Post('reload')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Read the SLO directory again (also done on file change when watching is on)',
  })
  @ApiProblemResponse(403, 'Only administrator identities may reload SLO files.')
  async reload(@CurrentCaller() caller: Caller): Promise<unknown> {
    assertAdmin(this.config, caller, 'Reloading SLO files');
    const report: SloLoadReport = await this.lifecycle.reloadSlos();
    return {
      directory: report.directory,
      files: report.files,
      loaded: report.definitions.map((d) => d.loaded.key),
      issues: report.issues,
    };
  }
}

/** The wire is snake_case like the rest of the controller's API; SliSnapshot is the domain's shape. */
function presentSli(sli: SliSnapshot): Record<string, number> {
  return {
    requests: sli.requests,
    failures: sli.failures,
    availability: sli.availability,
    ...(sli.p50Ms === undefined ? {} : { p50_ms: sli.p50Ms }),
    ...(sli.p95Ms === undefined ? {} : { p95_ms: sli.p95Ms }),
    ...(sli.p99Ms === undefined ? {} : { p99_ms: sli.p99Ms }),
    window_ms: sli.windowMs,
  };
}
