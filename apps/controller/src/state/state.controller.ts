import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ControllerErrorCodes, DomainError, WorkerDirectory } from '@slo-engine/core';
import { RegistryError } from '@slo-engine/registry';
import { ApiProblemResponse } from '@slo-engine/platform';
import { type ControllerConfig } from '../config';
import { assertAdmin } from '../identity/admin';
import { type Caller, CurrentCaller } from '../identity/caller-identity';
import { CONTROLLER_CONFIG } from '../tokens';

/** export_state() / import_remote_state() of spec 002, for a second controller. */
@ApiTags('state')
@Controller('state')
export class StateController {
  constructor(
    private readonly directory: WorkerDirectory,
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: "This controller's registry as a JSON-safe state (format version 1)" })
  @ApiProblemResponse(403, 'Only administrator identities may export state.')
  export(@CurrentCaller() caller: Caller): unknown {
    assertAdmin(this.config, caller, 'Exporting state');
    return this.directory.registry.exportState();
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: "Merge another controller's exported state",
    description:
      'A remote worker is adopted when unknown here or heard from more recently there; it keeps its origin.',
  })
  @ApiQuery({ name: 'controller_id', required: true })
  @ApiProblemResponse(400, 'The state is malformed (errors[] names each field).')
  @ApiProblemResponse(403, 'Only administrator identities may import state.')
  async import(
    @Query('controller_id') controllerId: unknown,
    @Body() state: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    assertAdmin(this.config, caller, 'Importing state');
    if (typeof controllerId !== 'string' || controllerId.trim() === '' || controllerId.length > 256)
      throw new DomainError(
        ControllerErrorCodes.INVALID_REGISTRATION,
        'controller_id is required.',
        {
          fieldErrors: [
            {
              field: 'controller_id',
              message: 'must be a non-empty string of at most 256 characters',
            },
          ],
        },
      );
    try {
      return await this.directory.importRemoteState(controllerId, state);
    } catch (error) {
      if (error instanceof RegistryError)
        throw new DomainError(
          ControllerErrorCodes.INVALID_REGISTRATION,
          error.message.replace(/^.*?: /, ''),
          {
            fieldErrors: error.errors.map((e) => ({
              field: e.path || '(body)',
              message: e.message,
            })),
          },
        );
      throw error;
    }
  }
}
