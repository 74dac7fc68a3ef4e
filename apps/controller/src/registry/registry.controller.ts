import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CapabilityRouter,
  ControllerErrorCodes,
  DomainError,
  SloBook,
  WorkerDirectory,
} from '@slo-engine/core';
import { type WorkerEntry } from '@slo-engine/registry';
import { ApiProblemResponse } from '@slo-engine/platform';
import { ControllerMetrics } from '../controller-metrics';
import { type Caller, CurrentCaller } from '../identity/caller-identity';
import { CONTROLLER_CLOCK } from '../tokens';
import { REGISTRATION_SCHEMA } from './registration.schema';
import {
  DeregisteredDto,
  HeartbeatResponseDto,
  RegisteredDto,
  RouteRequestDto,
  RouteResponseDto,
  WorkerIdDto,
} from './registry.dto';

/** Spec 002: workers register, heartbeat and deregister; callers route by capability. */
@ApiTags('registry')
@Controller()
export class RegistryController {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly router: CapabilityRouter,
    private readonly metrics: ControllerMetrics,
    private readonly slos: SloBook,
    @Inject(CONTROLLER_CLOCK) private readonly now: () => number,
  ) {}

  @Post('register')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Register a worker and its capabilities',
    description:
      'Replaces an earlier registration of the same worker_id. worker_url must pass the SSRF checks (scheme, no credentials, no private/loopback/metadata address unless allow-listed). With caller identities on, only the identity that first registered a worker_id may register it again, and a capability spiffe_id must be the caller.',
  })
  @ApiBody({ schema: REGISTRATION_SCHEMA })
  @ApiOkResponse({ type: RegisteredDto })
  @ApiProblemResponse(
    400,
    'The registration breaks the capability schema (errors[] names each field).',
  )
  @ApiProblemResponse(
    403,
    'The worker_id belongs to another identity, or a spiffe_id is not the caller.',
  )
  @ApiProblemResponse(422, 'worker_url is refused by the SSRF checks.')
  async register(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<RegisteredDto> {
    const entry = await this.directory.register(body, caller.identity);
    return { status: 'registered', worker_id: entry.workerId };
  }

  @Post('heartbeat')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Heartbeat of a registered worker (every 30 s)',
    description:
      'Answers 200 `{ "error": "worker_not_registered" }` for an unknown worker, and for workers restored after a controller restart until they register again (spec 002 recovery).',
  })
  @ApiOkResponse({ type: HeartbeatResponseDto })
  @ApiProblemResponse(403, 'The worker belongs to another identity.')
  heartbeat(@Body() body: WorkerIdDto, @CurrentCaller() caller: Caller): HeartbeatResponseDto {
    const result = this.directory.heartbeat(body.worker_id, caller.identity);
    if (!result.ok) return { error: 'worker_not_registered', worker_id: body.worker_id };
    return { status: 'acknowledged', timestamp: new Date(result.timestamp).toISOString() };
  }

  @Post('deregister')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a worker (on shutdown)' })
  @ApiOkResponse({ type: DeregisteredDto })
  @ApiProblemResponse(403, 'The worker belongs to another identity.')
  async deregister(
    @Body() body: WorkerIdDto,
    @CurrentCaller() caller: Caller,
  ): Promise<DeregisteredDto> {
    const known = await this.directory.deregister(body.worker_id, caller.identity);
    return { status: 'deregistered', was_registered: known };
  }

  @Post('route')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Choose a worker for a capability',
    description:
      'Round-robin over healthy workers after the canary policy (version), the routing policy (required_capabilities), slo_constraints and budget_tokens (cheapest first). A miss answers 503 with `error: no_worker_available` and the reason each worker was rejected.',
  })
  @ApiOkResponse({ type: RouteResponseDto })
  @ApiProblemResponse(
    503,
    'No healthy worker passes the filters (extension members: error, capability, reason, rejected[]).',
  )
  route(@Body() body: RouteRequestDto, @CurrentCaller() caller: Caller): RouteResponseDto {
    const key = `${body.verb}:${body.capability}`;
    try {
      this.slos.assertAdmitted(key, body.priority ?? 'normal', this.now());
      const decision = this.router.route({
        verb: body.verb,
        capability: body.capability,
        ...(body.routing_key === undefined ? {} : { routingKey: body.routing_key }),
        requester: this.directory.requesterFor(caller.identity),
        ...(body.slo_constraints === undefined ? {} : { sloConstraints: body.slo_constraints }),
        ...(body.budget_tokens === undefined ? {} : { budgetTokens: body.budget_tokens }),
      });
      this.metrics.routeDecisions.inc({
        capability: key,
        outcome: 'routed',
        side: decision.canary?.side ?? 'none',
      });
      return {
        worker_url: decision.workerUrl,
        worker_id: decision.workerId,
        version: decision.version,
        ...(decision.canary === undefined ? {} : { canary: decision.canary.side }),
      };
    } catch (error) {
      if (error instanceof DomainError && error.code === ControllerErrorCodes.SLO_VIOLATION)
        this.metrics.shed.inc({ capability: key });
      else if (error instanceof DomainError)
        this.metrics.routeDecisions.inc({ capability: key, outcome: 'no_worker', side: 'none' });
      throw error;
    }
  }

  @Get('capabilities')
  @ApiOperation({ summary: 'Every capability offered, with its workers and versions (spec 002)' })
  capabilities(): unknown {
    const now = this.now();
    const byKey = new Map<
      string,
      {
        verb: string;
        capability: string;
        workers: string[];
        versions: Set<string>;
        healthy: number;
      }
    >();
    const workers = this.directory.registry.listWorkers();
    let healthy = 0;
    for (const w of workers) {
      const isHealthy = this.isHealthy(w, now);
      if (isHealthy) healthy++;
      for (const c of w.capabilities) {
        const key = `${c.verb}:${c.name}`;
        let entry = byKey.get(key);
        if (entry === undefined) {
          entry = {
            verb: c.verb,
            capability: c.name,
            workers: [],
            versions: new Set(),
            healthy: 0,
          };
          byKey.set(key, entry);
        }
        entry.workers.push(w.workerId);
        entry.versions.add(c.version);
        if (isHealthy) entry.healthy++;
      }
    }
    return {
      capabilities: [...byKey.values()].map((e) => {
        const versions = [...e.versions].sort();
        return {
          verb: e.verb,
          capability: e.capability,
          workers: e.workers,
          healthy_workers: e.healthy,
          version: versions[versions.length - 1],
          versions,
        };
      }),
      total_workers: workers.length,
      healthy_workers: healthy,
    };
  }

  @Get('workers')
  @ApiOperation({ summary: 'Every registered worker (spec 002), with status and capabilities' })
  workers(): unknown {
    const now = this.now();
    return {
      workers: this.directory.registry.listWorkers().map((w) => ({
        worker_id: w.workerId,
        worker_url: w.workerUrl,
        last_heartbeat: new Date(w.lastHeartbeatAt).toISOString(),
        registered_at: new Date(w.registeredAt).toISOString(),
        is_healthy: this.isHealthy(w, now),
        status: w.status,
        ...(w.graceUntil === undefined
          ? {}
          : { grace_until: new Date(w.graceUntil).toISOString() }),
        capabilities: w.capabilities.map((c) => `${c.verb}:${c.name}`),
        ...(this.directory.ownerOf(w.workerId) === undefined
          ? {}
          : { identity: this.directory.ownerOf(w.workerId) }),
        ...(w.origin === undefined ? {} : { origin: w.origin }),
      })),
    };
  }

  private isHealthy(w: WorkerEntry, now: number): boolean {
    return this.directory.registry.isHealthy(w, now);
  }
}
